import { readFileSync } from 'node:fs';
import { OFFLINE_GATEWAY } from '../scripts/offline-gateway.js';
import { ApiKeyRing, generateKey } from '../src/gateway/api-keys.js';
import { createGateway } from '../src/gateway/server.js';
import { DEFAULT_MANIFEST, documentId } from '../src/gateway/trusted-documents.js';
import { SqliteKeyDocumentStore } from '../src/store/index.js';
import { percentile, roundTo } from './lib.js';

/**
 * `npm run bench -- trusted-documents`: a partner registers manifests of `size` distinct
 * documents (the project's operations, renamed) over HTTP at PUT /trusted-documents, while
 * another client keeps asking `{ __typename }` one request after the other. Figures: how
 * long each registration takes (the first one cold), and those requests' latency meanwhile,
 * beside 500 of them with nothing registering: the registry checks a document at a time and
 * serves requests between them.
 */
export async function benchTrustedDocuments(size: number, manifests = 3) {
  const project = Object.values(JSON.parse(readFileSync(DEFAULT_MANIFEST, 'utf8')) as Record<string, string>);
  const manifestOf = (run: number) =>
    Object.fromEntries(
      Array.from({ length: size }, (_, i) => {
        const document = project[i % project.length]!.replace(/(query|mutation|subscription) (\w+)/, `$1 $2R${run}N${i}`);
        return [`sha256:${documentId(document)}`, document];
      }),
    );
  const partners = Array.from({ length: manifests }, (_, i) => generateKey(`partner-${i}`, ['CUSTOMERS_READ'], { trustedDocumentsOnly: true, documentsKey: true }));
  const client = generateKey('client', ['CUSTOMERS_READ']);
  const store = new SqliteKeyDocumentStore(':memory:');
  const gateway = createGateway({
    ...OFFLINE_GATEWAY,
    apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [client.entry, ...partners.map((p) => p.entry)] }), 'bench keys'),
    keyDocuments: { store, perKey: size },
    maxBodyBytes: 8 * 1024 * 1024,
  });
  const url = await gateway.listen();
  const ask = async () => {
    const start = performance.now();
    await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': client.key }, body: '{"query":"{ __typename }"}' })).text();
    return performance.now() - start;
  };
  const meanwhile = async (until: Promise<unknown>) => {
    const latencies: number[] = [];
    let done = false;
    void until.finally(() => (done = true));
    while (!done) latencies.push(await ask());
    return latencies.sort((a, b) => a - b);
  };
  const runs = [];
  let nothingRegistering = {};
  try {
    // The same requests with nothing registering, for comparison (the first 100 unmeasured, while Node compiles the path).
    for (let i = 0; i < 100; i++) await ask();
    const alone: number[] = [];
    for (let i = 0; i < 500; i++) alone.push(await ask());
    alone.sort((a, b) => a - b);
    nothingRegistering = { requests: alone.length, p50Ms: percentile(alone, 50), p99Ms: percentile(alone, 99), maxMs: roundTo(alone.at(-1)!) };
    for (const [run, partner] of partners.entries()) {
      const body = JSON.stringify(manifestOf(run));
      const start = performance.now();
      const registering = fetch(new URL('/trusted-documents', url), { method: 'PUT', headers: { authorization: `Bearer ${partner.documentsKey}` }, body }).then(
        async (response) => ({ status: response.status, answer: (await response.json()) as { added?: number } }),
      );
      const [registered, latencies] = await Promise.all([registering, meanwhile(registering)]);
      if (registered.answer.added !== size) throw new Error(`registration ${run} answered ${registered.status} ${JSON.stringify(registered.answer).slice(0, 300)}`);
      runs.push({
        registrationMs: Math.round(performance.now() - start),
        manifestKiB: roundTo(body.length / 1024),
        requestsMeanwhile: latencies.length,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        maxMs: roundTo(latencies.at(-1) ?? 0),
      });
    }
  } finally {
    await gateway.close({ graceMs: 0 });
    await store.close();
  }
  return { documents: size, nothingRegistering, runs };
}
