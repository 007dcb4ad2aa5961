import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import type { Gateway } from '../../src/gateway/server.js';
import { PostgresBulkStore, type BulkStore } from '../../src/store/index.js';
import { graphql } from '../gql/index.js';
import { download, ended, runningWith, seedSeller, sorted } from '../support/bulk.js';
import { newToken } from '../support/fixtures.js';
import { createTestGateway } from '../support/gateway.js';
import { DATABASE_URL, postgresLocation, sqliteLocation } from '../support/stores.js';

const ResumeStart = graphql(`
  mutation ResumeStart($query: String!) {
    bulkOperationRunQuery(query: $query) {
      __typename
      ... on BulkOperationRunQuerySuccess {
        bulkOperation {
          id
        }
      }
    }
  }
`);

const ResumeStatus = graphql(`
  query ResumeStatus($id: ID!) {
    bulkOperation(id: $id) {
      status
      objectCount
      url
    }
  }
`);

const INSTANCE = fileURLToPath(new URL('../support/bulk-instance.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
/** Five pages of a hundred customers with their cards: a hundred and one Square calls a page. */
const CUSTOMERS = 500;
const EXPORT = '{ customers { edges { node { id givenName cards { last4 } } } } }';

let emulator: Emulator;
let emulatorUrl: string;
beforeAll(async () => {
  emulator = await createEmulator({ seed: false });
  emulatorUrl = await emulator.listen();
});
afterAll(async () => {
  await emulator?.close();
});

async function gql(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const startExport = async (url: string, token: string) => (await gql(url, token, print(ResumeStart), { query: EXPORT })).bulkOperationRunQuery.bulkOperation.id as string;
const statusOf = async (url: string, token: string, id: string) =>
  (await gql(url, token, print(ResumeStatus), { id })).bulkOperation as { status: string; objectCount: string; url: string | null };

interface Instance {
  child: ChildProcess;
  url: string;
}

/** A gateway process (test/support/bulk-instance.ts) over the bulk store `env` names. */
function startInstance(env: Record<string, string>): Promise<Instance> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, INSTANCE], {
      env: { ...process.env, SQUARE_BASE_URL: emulatorUrl, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`the instance exited with ${code} before it listened: ${output}`)));
  });
}

const killed = (instance: Instance, signal: NodeJS.Signals) =>
  new Promise<void>((resolve) => {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) return resolve();
    instance.child.once('exit', () => resolve());
    instance.child.kill(signal);
  });

const backends = [
  { name: 'SQLite', skip: false, location: () => sqliteLocation(), env: (l: { path?: string }) => ({ BULK_SQLITE: l.path! }) },
  { name: 'PostgreSQL', skip: !DATABASE_URL, location: () => postgresLocation(), env: (l: { schema?: string }) => ({ BULK_PG_SCHEMA: l.schema! }) },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`a bulk operation on ${backend.name}`, () => {
    it('resumes after kill -9 of the instance running it: the file is an uninterrupted export’s, line for line', async () => {
      const location = backend.location();
      const env = { ...backend.env(location as never), BULK_SECRET: randomBytes(32).toString('base64url') };
      const token = newToken();
      await seedSeller(emulatorUrl, token, { customers: CUSTOMERS, gift_cards_every: 0, orders_per_customer: 0 });
      const first = await startInstance(env);
      let second: Instance | undefined;
      try {
        const id = await startExport(first.url, token);
        const midway = await runningWith(() => statusOf(first.url, token, id), 100);
        expect(Number(midway.objectCount)).toBeLessThan(CUSTOMERS);
        await killed(first, 'SIGKILL');

        second = await startInstance(env);
        const resumed = await ended(() => statusOf(second!.url, token, id));
        expect(resumed).toMatchObject({ status: 'COMPLETED', objectCount: String(CUSTOMERS) });
        const { lines } = await download(resumed.url!);
        expect(new Set(lines.map((line) => line.id)).size).toBe(CUSTOMERS);

        const reference = await startExport(second.url, token);
        const uninterrupted = await ended(() => statusOf(second!.url, token, reference));
        expect(sorted((await download(uninterrupted.url!)).lines)).toEqual(sorted(lines));
      } finally {
        await killed(first, 'SIGKILL');
        if (second) await killed(second, 'SIGTERM');
        await location.drop();
      }
      // Two processes' starts, and the export run twice: minutes on a loaded machine.
    }, 180_000);
  });
}

describe.skipIf(!DATABASE_URL)('bulk operations of a fleet on PostgreSQL', () => {
  const location = postgresLocation();
  const stores: BulkStore[] = [];
  const gateways: Gateway[] = [];
  const secret = randomBytes(32).toString('base64url');
  async function instance(budget: { ratePerSecond: number; burst: number }) {
    const store = await PostgresBulkStore.open({ connectionString: DATABASE_URL!, schema: location.schema, poolSize: 4 });
    stores.push(store);
    const gateway = createTestGateway(emulatorUrl, { authMode: 'passthrough', budget, bulk: { bulkSecret: secret, pollMs: 200 } }, undefined, store);
    gateways.push(gateway);
    return { gateway, url: await gateway.listen() };
  }
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    for (const store of stores) await store.close();
    await location.drop();
  });

  it('answers an operation’s status and serves its file from any instance, and hands a run over when its instance stops', async () => {
    const token = newToken();
    await seedSeller(emulatorUrl, token, { customers: CUSTOMERS, gift_cards_every: 0, orders_per_customer: 0 });
    // A spends its budget slowly enough to be stopped in the middle; B quickly.
    const a = await instance({ ratePerSecond: 100, burst: 100 });
    const b = await instance({ ratePerSecond: 10_000, burst: 10_000 });
    const id = await startExport(a.url, token);
    await runningWith(() => statusOf(b.url, token, id), 100);
    // A stops (SIGTERM): its run ends at its last checkpoint and B takes it over at once, without waiting out the lease.
    await a.gateway.close();
    const done = await ended(() => statusOf(b.url, token, id));
    expect(done).toMatchObject({ status: 'COMPLETED', objectCount: String(CUSTOMERS) });
    const { lines } = await download(done.url!);
    expect(new Set(lines.map((line) => line.id)).size).toBe(CUSTOMERS);
    // The URL B gave is good at another instance's address: every instance checks signatures with the same BULK_SECRET.
    const c = await instance({ ratePerSecond: 100, burst: 100 });
    const atC = new URL(done.url!);
    atC.host = new URL(c.url).host;
    expect(sorted((await download(atC.href)).lines)).toEqual(sorted(lines));
  }, 120_000);
});
