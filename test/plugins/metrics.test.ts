import { describe, expect, it } from 'vitest';
import { databaseKind, onPostgres, pageUrl, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { sample } from '../metrics.ts';

describe(`GET /metrics (${databaseKind})`, () => {
  const t = useSeededApp();

  it('counts answers of the page by ErrorCode and action, times requests and argon2, in the Prometheus text format', async () => {
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: 'acme-mkt', ManagerPassword: 'wrong', LaunchID: '5001' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, JobID: '9001', JobAction: '7' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: 'acme-mkt' }) });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(sample(text, 'omis_taskmanager_requests_total', { error_code: '0', action: 'query' })).toBe(2);
    expect(sample(text, 'omis_taskmanager_requests_total', { error_code: '100', action: 'query' })).toBe(1);
    expect(sample(text, 'omis_taskmanager_requests_total', { error_code: '113', action: 'job.invalid' })).toBe(1);
    expect(sample(text, 'omis_taskmanager_requests_total', { error_code: '102', action: 'query' })).toBe(1);
    expect(sample(text, 'omis_http_request_duration_seconds_count', { route: '/WebAPI/TaskManager.aspx', method: 'GET', status_code: '200' })).toBe(5);
    expect(sample(text, 'omis_http_request_duration_seconds_bucket', { route: '/WebAPI/TaskManager.aspx', le: '+Inf' })).toBe(5);
    expect(sample(text, 'omis_argon2_verify_seconds_count', {})).toBeGreaterThanOrEqual(1);
    expect(text).toContain('# TYPE omis_argon2_verify_seconds histogram');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('gives every unknown path one label, so scanners cannot grow the series', async () => {
    await t.app.inject({ method: 'GET', url: '/no/such/path-1' });
    await t.app.inject({ method: 'GET', url: '/no/such/path-2' });
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).not.toContain('path-1');
    expect(sample(text, 'omis_http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' })).toBe(2);
  });

  it('shows how many requests shared each read statement', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const [count, sum] = [sample(before, 'omis_db_reads_per_statement_count', {})!, sample(before, 'omis_db_reads_per_statement_sum', {})!];
    // Three requests sent in one turn share one statement; a fourth, after them, has one of its own.
    await Promise.all([1, 2, 3].map(() => t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) })));
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.root, JobID: '9001' }) });
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('# TYPE omis_db_reads_per_statement histogram');
    expect(sample(text, 'omis_db_reads_per_statement_count', {})! - count).toBe(2);
    expect(sample(text, 'omis_db_reads_per_statement_sum', {})! - sum).toBe(4);
    expect(sample(text, 'omis_db_reads_per_statement_bucket', { le: '2' })).toBeLessThan(sample(text, 'omis_db_reads_per_statement_bucket', { le: '4' })!);
  });

  it.runIf(onPostgres)('shows the PostgreSQL pool', async () => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, 'omis_db_pool_max', {})).toBe(8);
    expect(sample(text, 'omis_db_pool_connections', {})).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'omis_db_pool_waiting', {})).toBe(0);
    expect(sample(text, 'omis_db_pool_idle', {})).toBeGreaterThanOrEqual(0);
  });
});

describe(`who may read /metrics (${databaseKind})`, () => {
  describe('without OMIS_METRICS_TOKEN', () => {
    const t = useSeededApp({ accounts: [], launches: [] });

    it('answers a client on the loopback interface, and refuses any other with 403', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
      const outside = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.5' });
      expect(outside.statusCode).toBe(403);
      expect(outside.body).not.toContain('omis_');
    });
  });

  describe('with OMIS_METRICS_TOKEN', () => {
    const token = 'metrics-token-0123456789';
    const t = useSeededApp({ accounts: [], launches: [] }, { env: { OMIS_METRICS_TOKEN: token } });

    it('answers only a request carrying the bearer token, from anywhere', async () => {
      const ask = (remoteAddress: string, authorization?: string) =>
        t.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers: authorization ? { authorization } : {} });
      expect((await ask('203.0.113.5', `Bearer ${token}`)).statusCode).toBe(200);
      expect((await ask('127.0.0.1')).statusCode).toBe(401);
      expect((await ask('127.0.0.1', `Bearer ${token}x`)).statusCode).toBe(401);
      expect((await ask('127.0.0.1', `bearer ${token}`)).statusCode).toBe(401);
      expect((await ask('203.0.113.5', token)).headers['www-authenticate']).toBe('Bearer');
    });
  });
});
