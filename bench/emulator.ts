import { cpus } from 'node:os';
import { load, roundTo, rssMiB, startProcess } from './lib.js';

const DEMO_TOKEN = 'EMULATOR-DEMO-TOKEN';
const headers = { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' };

/**
 * The emulator must never be what limits a gateway benchmark: sustained RetrieveCustomer
 * and SearchOrders throughput against the demo data, and resident memory across 100k calls.
 */
export async function benchEmulator(seconds: number) {
  const emulator = await startProcess('src/emulator/main.ts', { EMULATOR_PORT: '0' }, /listening on (http:\/\/\S+)/, ['--expose-gc']);
  try {
    const pid = emulator.child.pid!;
    const get = async (path: string) => (await fetch(emulator.url + path, { headers })).json() as Promise<any>;
    const customerId = (await get('/v2/customers?limit=1')).customers[0].id as string;
    const locationIds = (await get('/v2/locations')).locations.map((l: { id: string }) => l.id) as string[];
    const searchBody = JSON.stringify({ location_ids: locationIds, limit: 50 });

    /** Heap retained after a full collection, in MiB: what would grow if something leaked. */
    const retainedMiB = async () => {
      const stats = (await (await fetch(`${emulator.url}/_emulator/stats?gc=true`)).json()) as { heap_used_bytes: number };
      return roundTo(stats.heap_used_bytes / 1048576);
    };
    const rssStart = rssMiB(pid);
    const heapStart = await retainedMiB();
    const retrieve = await load({ url: `${emulator.url}/v2/customers/${customerId}`, headers, connections: 16, duration: seconds });
    const search = await load({
      url: `${emulator.url}/v2/orders/search`,
      method: 'POST',
      headers,
      body: searchBody,
      connections: 16,
      duration: seconds,
    });
    const rssAfterWarm = rssMiB(pid);
    const soak = await load({ url: `${emulator.url}/v2/customers/${customerId}`, headers, connections: 16, amount: 100_000 });
    const rssAfter100k = rssMiB(pid);
    const heapAfter100k = await retainedMiB();
    const soak2 = await load({ url: `${emulator.url}/v2/customers/${customerId}`, headers, connections: 16, amount: 100_000 });
    const rssAfter200k = rssMiB(pid);
    const heapAfter200k = await retainedMiB();

    return {
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
      note: 'emulator in its own process (one Node.js thread = one core); autocannon in the bench process, 16 connections',
      retrieveCustomer: retrieve,
      searchOrders: search,
      retainedHeapMiBAfterGc: { start: heapStart, after100kRetrieves: heapAfter100k, after200kRetrieves: heapAfter200k },
      rssMiB: {
        start: rssStart,
        afterThroughputRuns: rssAfterWarm,
        after100kRetrieves: rssAfter100k,
        after200kRetrieves: rssAfter200k,
      },
      soakErrors: soak.errors + soak.non2xx + soak2.errors + soak2.non2xx,
    };
  } finally {
    await emulator.stop();
  }
}
