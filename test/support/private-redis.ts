import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { vi } from 'vitest';
import { freePort } from '../../scripts/free-port.js';
import { WAIT } from './waiting.js';

/** Whether `redis-server` can be started here; CI installs it. */
export const REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0;
if (!REDIS_SERVER) console.warn('Redis outage tests are SKIPPED: no redis-server on PATH (CI has one; apt-get install redis-server).');

/**
 * A redis-server of the test's own, on a free port, to freeze (SIGSTOP, as a hung or
 * black-holed server behaves) or stop: never the shared one, which other tests use.
 */
export interface PrivateRedis {
  url: string;
  /** A client of the test's own, e.g. to look at the keys the gateway keeps. */
  client: Redis;
  freeze(): void;
  thaw(): void;
  /** Thaws it if frozen, and ends it. */
  stop(): Promise<void>;
}


export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  await vi.waitUntil(async () => {
    try {
      if (client.status === 'wait' || client.status === 'end') await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }, WAIT);
  return {
    url,
    client,
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
    stop: async () => {
      child.kill('SIGCONT');
      client.disconnect();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
