import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chownSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { seedWith } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';

/**
 * A PostgreSQL 15 cluster that a test owns: made with initdb, started and stopped with pg_ctl, so a
 * test can take the database away from a running server and give it back. The binaries refuse to run
 * as root, so they run as the `postgres` user (runuser) in a directory that user owns, on a port of
 * the cluster's own and with its socket in /tmp.
 */
const BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);

/** Why a throwaway cluster cannot be made here, or undefined when it can. */
export function throwawayPostgresUnavailable(): string | undefined {
  if (!existsSync(path.join(BIN, 'initdb')) || !existsSync(path.join(BIN, 'pg_ctl'))) return `no PostgreSQL 15 binaries in ${BIN}`;
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) return 'running as root without runuser';
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function asPostgres(command: string, args: string[]) {
  const asRoot = process.getuid?.() === 0;
  return asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
}

export interface ThrowawayPostgres {
  port: number;
  /** postgresql:// URL of the cluster's `postgres` database. */
  url: string;
  start(): Promise<void>;
  /** Fast shutdown: sessions are terminated, as when an operator stops the service. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function createThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'omis-pg-'));
  const dataDir = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    // os.userInfo cannot look another user up; `id` can.
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(uid.trim()), Number(gid.trim()));
  }
  await asPostgres(path.join(BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
  const cluster: ThrowawayPostgres = {
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await asPostgres(path.join(BIN, 'pg_ctl'), ['-D', dataDir, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
    },
    async stop() {
      await asPostgres(path.join(BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
    },
    async destroy() {
      await asPostgres(path.join(BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}

/** A throwaway cluster whose `postgres` database is migrated and holds the standard seed. */
export async function createSeededThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const cluster = await createThrowawayPostgres();
  const setup = await openDatabase({ databaseUrl: cluster.url, poolSize: 2 });
  try {
    await migrate(setup);
    await seedWith(setup, standardSeed);
  } finally {
    await setup.close();
  }
  return cluster;
}
