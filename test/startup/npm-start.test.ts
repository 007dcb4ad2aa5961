import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_CUSTOMER_ID, DEMO_TOKEN } from '../../src/emulator/seed.js';
import { DemoCustomerLineageDocument } from '../gql/graphql.js';
import { WAIT } from '../support/waiting.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const EMULATOR_MAIN = fileURLToPath(new URL('../../src/emulator/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx/esm');

/** The settings a developer's shell might carry, which would change what `npm start` does. */
const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(PORT|HOST|SQUARE_|GATEWAY_|EMULATOR_|DATABASE_URL|REDIS_URL|WEBHOOK_PATH|VAULT_KEYS|OAUTH_)/.test(name)),
);

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs an entry point in `cwd` with `env` until it exits (it must fail to start for this to end). */
function run(script: string, env: Record<string, string>, cwd = process.cwd()): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, script], { cwd, env: { ...CLEAN_ENV, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ stdout, stderr, code }));
  });
}

/** A port held by another server for the whole file, as when another instance runs. */
let taken: Server;
let takenPort: number;
beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  takenPort = (taken.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

// Each run compiles the gateway with tsx before it gets as far as what stops it: on a machine busy with other suites, over 30 s.
describe('npm start explains what stops it', { timeout: 120_000 }, () => {
  it('names PORT in one line when the gateway port is taken, before printing any URL', async () => {
    const result = await run(MAIN, { PORT: String(takenPort), EMULATOR_PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Port ${takenPort} is in use: set PORT to another port (e.g. PORT=${takenPort + 100} npm start).\n`);
    expect(result.stdout).toBe('');
  });

  it('names EMULATOR_PORT when the embedded emulator port is taken', async () => {
    const result = await run(MAIN, { PORT: '0', EMULATOR_PORT: String(takenPort) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Port ${takenPort} is in use: set EMULATOR_PORT to another port (e.g. EMULATOR_PORT=${takenPort + 100} npm start).\n`,
    );
    expect(result.stdout).toBe('');
  });

  it('names EMULATOR_PORT for npm run emulator too', async () => {
    const result = await run(EMULATOR_MAIN, { EMULATOR_PORT: String(takenPort), EMULATOR_SEED: 'false' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Port ${takenPort} is in use: set EMULATOR_PORT to another port (e.g. EMULATOR_PORT=${takenPort + 100} npm run emulator).\n`,
    );
  });

  it('prints every configuration mistake at once, one plain line each, without a stack trace or a secret', async () => {
    const result = await run(MAIN, {
      PORT: 'four thousand',
      GATEWAY_AUTH: 'open',
      EMULATOR_LATENCY_MS: '-5',
      REDIS_URL: 'http://user:s3cret@127.0.0.1:6379',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        'PORT must be an integer from 0 to 65535, got "four thousand"',
        'GATEWAY_AUTH must be "server" or "passthrough", got "open"',
        'REDIS_URL must be a redis:// or rediss:// URL',
        'EMULATOR_LATENCY_MS must be an integer ≥ 0, got "-5"',
      ].join('\n') + '\n',
    );
    expect(result.stdout).toBe('');
  });

  it('names DATABASE_URL, and does not print it, when the event store cannot be reached', async () => {
    const result = await run(MAIN, { PORT: '0', EMULATOR_PORT: '0', DATABASE_URL: 'postgres://postgres:s3cret@127.0.0.1:1/none' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^The event store could not be opened \(DATABASE_URL\): .*ECONNREFUSED.*\n$/);
    expect(result.stderr).not.toContain('s3cret');
    expect(result.stdout).toBe('');
  });
});

describe('npm start in demo mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs with EMULATOR_PORT=0, keeps its events in memory, and resets them with the emulator', async () => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN], { cwd: dir, env: { ...CLEAN_ENV, PORT: '0', EMULATOR_PORT: '0' } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      // A first start compiles the gateway and seeds the demo data: on a machine busy with other suites that took over 15 s.
      const gatewayUrl = await vi.waitUntil(() => /GraphQL gateway:\s+(\S+)/.exec(stdout)?.[1], { ...WAIT, timeout: 90_000 });
      const emulatorUrl = /Square emulator with demo data: (\S+)/.exec(stdout)![1]!;
      expect(emulatorUrl).not.toMatch(/:0$/);
      expect(stdout).toContain('events kept in memory');
      expect(existsSync(join(dir, 'data'))).toBe(false);
      // Sellers connect to the emulator's demo application, their tokens in memory.
      const connectUrl = /Connect a seller: (\S+) {2}\(Square application EMULATOR-DEMO-APP; tokens kept in memory/.exec(stdout)![1]!;
      const connect = await fetch(connectUrl, { redirect: 'manual' });
      const authorize = new URL(connect.headers.get('location')!);
      expect(authorize.origin + authorize.pathname).toBe(`${emulatorUrl}/oauth2/authorize`);
      expect(authorize.searchParams.get('client_id')).toBe('EMULATOR-DEMO-APP');

      const lineage = async (id: string) => {
        const response = await fetch(gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: print(DemoCustomerLineageDocument), variables: { id } }),
        });
        return ((await response.json()) as { data: { customer: { squareId: string; mergedFrom: string[] } | null } }).data.customer;
      };
      expect((await lineage(DEMO_CUSTOMER_ID))?.squareId).toBe(DEMO_CUSTOMER_ID);

      // The same demo ids come back after a reset, so a merge remembered from before it would mislead.
      const { customers } = (await (
        await fetch(`${emulatorUrl}/v2/customers?limit=2`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } })
      ).json()) as { customers: Array<{ id: string }> };
      const merge = async () => {
        const response = await fetch(`${emulatorUrl}/_emulator/customers/merge`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_TOKEN}` },
          body: JSON.stringify({ from_customer_ids: customers.map((c) => c.id) }),
        });
        const survivor = ((await response.json()) as { customer: { id: string } }).customer.id;
        await expect.poll(async () => (await lineage(survivor))?.mergedFrom.length).toBe(2);
        return survivor;
      };
      await merge();
      await fetch(`${emulatorUrl}/_emulator/reset`, { method: 'POST' });
      const again = await merge();
      expect((await lineage(again))?.mergedFrom.sort()).toEqual(customers.map((c) => c.id).sort());
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 150_000);
});
