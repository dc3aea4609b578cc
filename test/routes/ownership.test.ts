import { describe, expect, it } from 'vitest';
import { databaseKind, pageUrl, useSeededApp } from '../helper.ts';
import { makeLaunch } from '../factories.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';

/**
 * docs/API.md#ownership: a manager sees what it and every account below it own; anything else answers
 * exactly like a missing record.
 */
describe(`ownership down the account tree (${databaseKind})`, () => {
  const t = useSeededApp();

  const ask = async (who: keyof typeof logins, field: 'LaunchID' | 'JobID', id: string) => {
    const res = await t.app.inject({ url: pageUrl({ ...logins[who], [field]: id }) });
    return { body: res.body, code: parseResponse(res.body).ErrorCode };
  };

  // [caller, launch, visible]
  it.each([
    ['root', '5001', true], // child's
    ['root', '5002', true], // grandchild's
    ['root', '5003', true], // own
    ['mkt', '5001', true],
    ['mkt', '5002', true],
    ['mkt', '5003', false], // parent's: never up the tree
    ['tw', '5002', true],
    ['tw', '5001', false],
    ['tw', '5003', false],
    ['globex', '6001', true],
    ['globex', '5001', false], // another tree
    ['root', '6001', false],
  ] as const)('%s asking for launch %s: visible=%s', async (who, launchId, visible) => {
    expect((await ask(who, 'LaunchID', launchId)).code).toBe(visible ? '0' : '111');
  });

  it.each([
    ['root', '9003', true],
    ['mkt', '9003', true],
    ['mkt', '9004', false],
    ['tw', '9001', false],
    ['globex', '9001', false],
    ['root', '9101', false],
  ] as const)('%s asking for job %s: visible=%s', async (who, jobId, visible) => {
    expect((await ask(who, 'JobID', jobId)).code).toBe(visible ? '0' : '110');
  });

  it('answers a foreign launch byte for byte like a missing one', async () => {
    const foreign = await ask('mkt', 'LaunchID', '5003');
    const missing = await ask('mkt', 'LaunchID', '5004');
    expect(foreign.body.replace('5003', 'ID')).toBe(missing.body.replace('5004', 'ID'));
  });

  it('answers a foreign job byte for byte like a missing one', async () => {
    const foreign = await ask('tw', 'JobID', '9001');
    const missing = await ask('tw', 'JobID', '9999');
    expect(foreign.body.replace('9001', 'ID')).toBe(missing.body.replace('9999', 'ID'));
  });

  it('hides deleted launches and their jobs', async () => {
    const { launchId, jobIds } = await makeLaunch(t.db, { status: 0, owner: 'acme' }, [{ status: 0 }]);
    expect((await ask('root', 'LaunchID', String(launchId))).code).toBe('0');
    await t.db.query(`UPDATE launch SET deleted_at = now() WHERE launch_id = $1`, [launchId]);
    expect((await ask('root', 'LaunchID', String(launchId))).code).toBe('111');
    expect((await ask('root', 'JobID', String(jobIds[0]))).code).toBe('110');
  });
});
