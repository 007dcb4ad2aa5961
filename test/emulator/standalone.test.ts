import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SquareClient, SquareError } from 'square';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readCommandLine } from '../../src/emulator/cli.js';
import { DEMO_TOKEN } from '../../src/emulator/seed.js';
import { WAIT } from '../support/waiting.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'src/emulator/main.ts');
const TSX = import.meta.resolve('tsx/esm');

/** The settings a developer's shell might carry, which would change what the emulator does. */
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('EMULATOR_')));

interface Started {
  url: string;
  stdout: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: () => Promise<number | null>;
}

/** Starts `square-emulator` from its source with `args`, as `npm run emulator -- args` does, and waits for its URL. */
async function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], { env: { ...CLEAN_ENV, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await vi.waitUntil(() => {
    if (child.exitCode !== null) throw new Error(`square-emulator exited with ${child.exitCode}: ${stderr}`);
    return /listening on (\S+)/.exec(stdout)?.[1];
  }, { ...WAIT, timeout: 60_000 });
  return {
    url,
    stdout: () => stdout,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs `square-emulator` with `args` until it exits on its own. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], { env: CLEAN_ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const client = (url: string, token = `test-${randomUUID()}`) => new SquareClient({ token, baseUrl: url, maxRetries: 0 });

// Each test starts node with tsx, which takes seconds on a loaded machine.
describe('square-emulator on its own', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'square-emulator-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the package’s bin, built from src/emulator/main.ts, which node can run directly', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['square-emulator']).toBe('dist/emulator/main.js');
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('serves the SDK with the demo merchant by default, and stops on SIGTERM', async () => {
    const emulator = await start(['--port', '0'], { EMULATOR_PORT: '1' });
    try {
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emulator.stdout()).toContain(DEMO_TOKEN);
      const demo = await client(emulator.url, DEMO_TOKEN).customers.list({});
      expect(demo.data.length).toBeGreaterThan(0);
    } finally {
      expect(await emulator.stop()).toBe(0);
    }
  });

  it('keeps its state in --db across restarts, without the demo merchant under --no-seed', async () => {
    const db = join(dir, 'emulator.db');
    const token = `test-${randomUUID()}`;
    const first = await start(['--port', '0', '--no-seed', '--db', db]);
    let customerId: string;
    try {
      expect(first.stdout()).not.toContain(DEMO_TOKEN);
      expect((await client(first.url, DEMO_TOKEN).customers.list({})).data).toEqual([]);
      const created = await client(first.url, token).customers.create({ idempotencyKey: randomUUID(), givenName: 'Grace' });
      customerId = created.customer!.id!;
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const again = await start(['--port', '0', '--no-seed', '--db', db]);
    try {
      expect((await client(again.url, token).customers.get({ customerId })).customer!.givenName).toBe('Grace');
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });

  it('throttles each merchant with --rate-limit and --rate-burst', async () => {
    const emulator = await start(['--port', '0', '--no-seed', '--rate-limit', '0.1/s', '--rate-burst', '1']);
    try {
      const square = client(emulator.url);
      await square.locations.list();
      const throttled = await square.locations.list().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(throttled).toBeInstanceOf(SquareError);
      expect((throttled as SquareError).statusCode).toBe(429);
    } finally {
      expect(await emulator.stop()).toBe(0);
    }
  });

  it('prints its options with --help, and one plain line for a mistaken flag', async () => {
    const [help, unknown] = await Promise.all([run(['--help']), run(['--prot', '4010'])]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    for (const flag of ['--port', '--host', '--db', '--seed, --no-seed', '--rate-limit', '--help']) expect(help.stdout).toContain(flag);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/^Unknown option '--prot'.*\nRun square-emulator --help for the options\.\n$/s);
  });
});

describe('square-emulator’s command line', () => {
  it('sets the environment variable each flag stands for, over the one already set', () => {
    const read = readCommandLine(['--port', '0', '--host', '0.0.0.0', '--db', 'x.db', '--no-seed', '--rate-limit', '5/s'], {
      EMULATOR_PORT: '4010',
      EMULATOR_LATENCY_MS: '7',
    });
    expect(read).toEqual({
      help: false,
      env: {
        EMULATOR_PORT: '0',
        EMULATOR_HOST: '0.0.0.0',
        EMULATOR_DB: 'x.db',
        EMULATOR_SEED: 'false',
        EMULATOR_RATE_LIMIT: '5/s',
        EMULATOR_LATENCY_MS: '7',
      },
    });
    expect(readCommandLine(['--seed'], { EMULATOR_SEED: 'false' })).toEqual({ help: false, env: { EMULATOR_SEED: 'true' } });
    expect(readCommandLine(['-h'], {})).toEqual({ help: true });
  });

  it('refuses what it cannot mean', () => {
    expect(() => readCommandLine(['--seed', '--no-seed'], {})).toThrow('Give --seed or --no-seed, not both.');
    expect(() => readCommandLine(['--port'], {})).toThrow(/'--port <value>' argument missing/);
    expect(() => readCommandLine(['extra'], {})).toThrow(/Unexpected argument 'extra'/);
  });
});
