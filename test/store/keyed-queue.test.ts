import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../src/store/keyed-queue.ts';

/** The per-instance queue of actions on one launch: one at a time per launch, in arrival order. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs work on one launch one at a time, in arrival order, even when some fail', async () => {
    const queue = new KeyedQueue<number>();
    const log: string[] = [];
    let running = 0;
    const job = (name: string, fail = false) =>
      queue.run(1, async () => {
        running++;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([job('a'), job('b', true), job('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(queue.size).toBe(0);
  });

  it('lets different launches run side by side', async () => {
    const queue = new KeyedQueue<number>();
    let release!: () => void;
    const blocker = queue.run(1, () => new Promise<void>((resolve) => (release = resolve)));
    const other = await queue.run(2, async () => 'ran while launch 1 was busy');
    expect(other).toBe('ran while launch 1 was busy');
    expect(queue.size).toBe(1);
    release();
    await blocker;
    expect(queue.size).toBe(0);
  });

  it('starts the next in line when the running work ends its turn early, and only once', async () => {
    const queue = new KeyedQueue<number>();
    const log: string[] = [];
    let finishA!: () => void;
    const a = queue.run(1, async (turn) => {
      log.push('a sends its commit');
      turn.end();
      turn.end();
      await new Promise<void>((resolve) => (finishA = resolve));
      log.push('a committed');
    });
    const b = queue.run(1, async () => void log.push('b starts'));
    const c = queue.run(1, async () => void log.push('c starts'));
    await b;
    await tick();
    // b's turn ended normally; c follows it, while a still waits for its commit.
    expect(log).toEqual(['a sends its commit', 'b starts', 'c starts']);
    finishA();
    await Promise.all([a, c]);
    expect(log.at(-1)).toBe('a committed');
    expect(queue.size).toBe(0);
  });
});
