import { freePort } from '../scripts/free-port.js';
import { gatewayNodeFlags } from '../scripts/node-flags.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/** A project process started for a benchmark, with the URL it printed. */
export interface Started {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Where a process runs when not as the bench does: another checkout of the project, and another Node's executable, to compare against. */
export interface Elsewhere {
  cwd?: string | undefined;
  node?: string | undefined;
}

/**
 * Starts `tsx <script>` with `env` and waits for the first line that contains a URL matching
 * `pattern`; in `at.cwd` and on `at.node` when given.
 */
export function startProcess(script: string, env: Record<string, string>, pattern: RegExp, nodeFlags: string[] = [], at: Elsewhere = {}): Promise<Started> {
  const { cwd, node = process.execPath } = at;
  return new Promise((resolve, reject) => {
    const child = spawn(node, [...nodeFlags, '--import', 'tsx', script], {
      env: { ...process.env, ...env },
      ...(cwd ? { cwd } : {}),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = pattern.exec(buffered);
      if (match) {
        resolve({
          child,
          url: match[1]!,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready:\n${buffered}`)));
  });
}

/** `value` rounded to `decimals` places, as the benchmarks report figures. */
export function roundTo(value: number, decimals = 1): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** The p-th percentile of ascending `sorted`, to `decimals` places. */
export function percentile(sorted: number[], p: number, decimals = 1): number {
  return roundTo(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!, decimals);
}

/** Resident memory of a process in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return roundTo(kb / 1024);
}

/** CPU time (user+system) a process has used so far, in ms, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p97_5: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export async function load(options: autocannon.Options): Promise<LoadResult> {
  const result = await autocannon(options);
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * A gateway process in passthrough mode in front of the emulator, receiving its webhooks at its own address, with
 * its store in the SQLite file `db`; `env` adds to or overrides its settings.
 */
export async function startPassthroughGateway(
  emulatorUrl: string,
  db: string,
  env: Record<string, string>,
  nodeFlags = gatewayNodeFlags(),
): Promise<Started & { webhookUrl: string }> {
  const port = await freePort();
  const webhookUrl = `http://127.0.0.1:${port}/webhooks/square`;
  const started = await startProcess(
    'src/main.ts',
    {
      PORT: String(port),
      SQUARE_BASE_URL: emulatorUrl,
      GATEWAY_AUTH: 'passthrough',
      SQUARE_WEBHOOK_SIGNATURE_KEY: BENCH_WEBHOOK_KEY,
      SQUARE_WEBHOOK_URL: webhookUrl,
      GATEWAY_DB: db,
      // Empty wins over DATABASE_URL/REDIS_URL in the bench's own environment.
      DATABASE_URL: '',
      REDIS_URL: '',
      ...env,
    },
    /GraphQL gateway:\s+(http:\/\/\S+)/,
    nodeFlags,
  );
  return { ...started, webhookUrl };
}

/** The webhook signature key the benches' gateways and emulators share. */
export const BENCH_WEBHOOK_KEY = 'bench-webhook-signature-key';
