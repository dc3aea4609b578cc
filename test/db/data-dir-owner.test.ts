import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { claimDataDir, currentOwner, DataDirBusyError, OWNER_FILE, type OwnerRecord } from '../../src/db/data-dir-owner.ts';

/** Who has an embedded data directory open: one owner, stale owners noticed, sharing owners found. */
describe('the owner of an embedded data directory', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'omis-owner-'));
  let count = 0;
  const freshDir = () => path.join(root, `data-${++count}`);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const record = (dir: string): OwnerRecord => JSON.parse(readFileSync(path.join(dir, OWNER_FILE), 'utf8'));

  it('is one process at a time: a second claim is refused naming the first, and may claim once it is released', async () => {
    const dir = freshDir();
    const first = await claimDataDir(dir, { command: 'seed', socket: null, waitMs: 0 });
    expect(first.kind).toBe('owner');
    expect(record(dir)).toMatchObject({ pid: process.pid, command: 'seed', socket: null });
    const refused = claimDataDir(dir, { command: 'account add', socket: null, waitMs: 0 });
    await expect(refused).rejects.toBeInstanceOf(DataDirBusyError);
    await expect(refused).rejects.toThrow(`the embedded database in ${dir} is still in use by omis seed (pid ${process.pid})`);
    if (first.kind === 'owner') first.ownership.release();
    expect(existsSync(path.join(dir, OWNER_FILE))).toBe(false);
    const second = await claimDataDir(dir, { command: 'account add', socket: null, waitMs: 0 });
    expect(second.kind).toBe('owner');
    if (second.kind === 'owner') second.ownership.release();
  });

  it('waits for an owner that keeps the directory to itself, saying so once', async () => {
    const dir = freshDir();
    const first = await claimDataDir(dir, { command: 'seed', socket: null, waitMs: 0 });
    const told: string[] = [];
    let toldOnce!: () => void;
    const waited = new Promise<void>((resolve) => (toldOnce = resolve));
    const waiting = claimDataDir(dir, {
      command: 'audit',
      socket: null,
      waitMs: 60_000,
      onWait: (owner) => {
        told.push(owner.command);
        toldOnce();
      },
    });
    await waited;
    if (first.kind === 'owner') first.ownership.release();
    const second = await waiting;
    expect(second.kind).toBe('owner');
    expect(told).toEqual(['seed']);
    if (second.kind === 'owner') second.ownership.release();
  });

  it('finds an owner that shares the directory once its socket is up (at once, for a second server)', async () => {
    const dir = freshDir();
    const socket = path.join(dir, 'socket', '.s.PGSQL.5432');
    const owner = await claimDataDir(dir, { command: 'serve', socket, waitMs: 0 });
    if (owner.kind !== 'owner') throw new Error('expected to own');
    await expect(claimDataDir(dir, { command: 'audit', socket: null, waitMs: 0 })).rejects.toBeInstanceOf(DataDirBusyError);
    expect(await claimDataDir(dir, { command: 'serve', socket, waitMs: 0, sharedEarly: true })).toMatchObject({ kind: 'shared' });
    owner.ownership.markReady();
    expect(await claimDataDir(dir, { command: 'audit', socket: null, waitMs: 0 })).toEqual({ kind: 'shared', owner: { ...owner.ownership.record, ready: true } });
    expect((await currentOwner(dir))?.ready).toBe(true);
    owner.ownership.release();
    expect(await currentOwner(dir)).toBeUndefined();
  });

  it('takes over from an owner whose process is gone', async () => {
    const dir = freshDir();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const stale: OwnerRecord = { pid: gone, host: os.hostname(), token: 'stale', command: 'serve', socket: null, ready: true, startedAt: '', procStart: null, bootId: null };
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(stale));
    expect(await currentOwner(dir)).toBeUndefined();
    const claim = await claimDataDir(dir, { command: 'serve', socket: null, waitMs: 0 });
    expect(claim.kind).toBe('owner');
    expect(record(dir).pid).toBe(process.pid);
    // Nothing of the stale record is left beside the new one.
    expect(readdirSync(dir)).toEqual([OWNER_FILE]);
    if (claim.kind === 'owner') claim.ownership.release();
  });

  it.runIf(existsSync('/proc/self/stat'))('does not take a reused PID for the owner (a restarted container is PID 1 again)', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    // This very PID, but a process that started at another time: the PID was reused.
    const reused: OwnerRecord = { pid: process.pid, host: os.hostname(), token: 'old', command: 'serve', socket: null, ready: true, startedAt: '', procStart: '1', bootId: null };
    writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(reused));
    const claim = await claimDataDir(dir, { command: 'serve', socket: null, waitMs: 0 });
    expect(claim.kind).toBe('owner');
    if (claim.kind === 'owner') claim.ownership.release();
  });

  /** A record as another process (here: another container, `host`) would have written it. */
  function writeRecord(dir: string, fields: Partial<OwnerRecord>): OwnerRecord {
    const written: OwnerRecord = { pid: 1, host: os.hostname(), token: 'other', command: 'serve', socket: null, ready: false, startedAt: '', procStart: null, bootId: null, ...fields };
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(written));
    return written;
  }

  async function listening(socket: string): Promise<net.Server> {
    mkdirSync(path.dirname(socket), { recursive: true });
    const server = net.createServer((connection) => connection.destroy());
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    return server;
  }

  it('keeps an owner whose socket answers, even from another host or with a PID that means nothing here', async () => {
    for (const fields of [{ host: 'another-container' }, { pid: spawnSync(process.execPath, ['-e', '0']).pid }]) {
      const dir = freshDir();
      const socket = path.join(dir, 'socket', '.s.PGSQL.5432');
      const server = await listening(socket);
      try {
        const owner = writeRecord(dir, { ...fields, socket, ready: true });
        expect(await claimDataDir(dir, { command: 'audit', socket: null, waitMs: 0 })).toEqual({ kind: 'shared', owner });
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  it('takes over from an owner on another host whose socket no longer answers', async () => {
    const dir = freshDir();
    writeRecord(dir, { host: 'another-container', socket: path.join(dir, 'socket', '.s.PGSQL.5432'), ready: true });
    const claim = await claimDataDir(dir, { command: 'serve', socket: null, waitMs: 0 });
    expect(claim.kind).toBe('owner');
    if (claim.kind === 'owner') claim.ownership.release();
  });

  it('cannot tell whether a command on another host is gone, and says how to clear the record if it is', async () => {
    const dir = freshDir();
    writeRecord(dir, { host: 'another-container', pid: 7, command: 'seed' });
    await expect(claimDataDir(dir, { command: 'audit', socket: null, waitMs: 0 })).rejects.toThrow(
      `the embedded database in ${dir} is still in use by omis seed (pid 7 on host another-container); try again when it has finished ` +
        `(if no such process runs there any more, delete ${path.join(dir, OWNER_FILE)})`,
    );
  });

  it('treats a record that is not one as stale', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, OWNER_FILE), '{ half a rec');
    const claim = await claimDataDir(dir, { command: 'serve', socket: null, waitMs: 0 });
    expect(claim.kind).toBe('owner');
    if (claim.kind === 'owner') claim.ownership.release();
  });

  it('gives the directory to exactly one of several processes claiming it at once', async () => {
    const dir = freshDir();
    const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'claim-data-dir.ts');
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, ['--import', 'tsx', fixture, dir], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const answers = await Promise.all(
      children.map(
        (child) =>
          new Promise<string>((resolve) => {
            let out = '';
            child.stdout!.on('data', (chunk) => {
              out += chunk;
              if (out.includes('\n')) resolve(out.trim());
            });
            child.once('exit', () => resolve(out.trim()));
          }),
      ),
    );
    for (const child of children) child.stdin!.end();
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    expect(answers.sort()).toEqual(['busy', 'busy', 'busy', 'owner']);
    expect(existsSync(path.join(dir, OWNER_FILE))).toBe(false);
  }, 60_000);
});
