// Micro-measurement (docs/PERFORMANCE.md): HMAC with six updates vs one, luxon formatting vs a remembered text.
// Run: npx tsx bench/micro/hmac-and-dates.ts
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
const key = randomBytes(32);
const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g';
function time(label: string, n: number, f: () => unknown) {
  for (let i = 0; i < 2000; i++) f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  console.log(label.padEnd(34), ((performance.now() - t) / n * 1000).toFixed(2), 'µs');
}
time('hmac 6 updates', 50000, () => { const m = createHmac('sha256', key); for (const p of ['1002', 'mkt-pass', hash]) { const b = Buffer.from(p); const l = Buffer.alloc(4); l.writeUInt32BE(b.length); m.update(l).update(b); } return m.digest('base64url'); });
time('hmac 1 update', 50000, () => createHmac('sha256', key).update(`1002:8:mkt-pass${hash}`).digest('base64url'));
const block = Buffer.alloc(64); key.copy(block);
const inner = createHash('sha256').update(block.map((b) => b ^ 0x36));
const outer = createHash('sha256').update(block.map((b) => b ^ 0x5c));
time('hmac by hash.copy()', 50000, () => outer.copy().update(inner.copy().update(`1002:8:mkt-pass${hash}`).digest()).digest('base64url'));
console.log(outer.copy().update(inner.copy().update('x').digest()).digest('hex') === createHmac('sha256', key).update('x').digest('hex'));
const d = new Date('2026-12-31T15:59:59Z');
time('luxon format', 20000, () => DateTime.fromJSDate(d, { zone: 'Asia/Taipei' }).toFormat('yyyy-MM-dd HH:mm:ss'));
const memo = new Map<string, string>();
time('memo hit', 50000, () => { const k = `${d.getTime()}|Asia/Taipei`; let v = memo.get(k); if (v === undefined) { v = DateTime.fromJSDate(d, { zone: 'Asia/Taipei' }).toFormat('yyyy-MM-dd HH:mm:ss'); memo.set(k, v); } return v; });
