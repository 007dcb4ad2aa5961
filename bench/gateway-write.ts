import { randomUUID } from 'node:crypto';
import { SquareClient } from 'square';
import { startProcess, type Started } from './lib.js';

const DEMO_TOKEN = 'EMULATOR-DEMO-TOKEN';
const RUNS = 500;

const MUTATION = /* GraphQL */ `
  mutation Charge($input: CreatePaymentInput!) {
    createPayment(input: $input) {
      __typename
      ... on CreatePaymentSuccess { payment { squareId status } }
      ... on Error { code message }
    }
  }
`;

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 100) / 100;
  return { p50: at(0.5), p95: at(0.95) };
}

/**
 * Samples both paths in alternation, so a slow moment of this shared machine lands
 * on both alike rather than on whichever ran second.
 */
async function timedInTurn(runs: Record<'direct' | 'gateway', () => Promise<void>>): Promise<Record<'direct' | 'gateway', number[]>> {
  const samples = { direct: [] as number[], gateway: [] as number[] };
  for (let i = 0; i < 20; i++) {
    await runs.direct(); // warm up
    await runs.gateway();
  }
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? (['direct', 'gateway'] as const) : (['gateway', 'direct'] as const);
    for (const path of order) {
      const started = performance.now();
      await runs[path]();
      samples[path].push(performance.now() - started);
    }
  }
  return samples;
}

/**
 * What the gateway adds to a charge: createPayment through the gateway against the
 * same SDK call made directly, one at a time and in turn, at 0 ms and 20 ms of Square latency.
 */
export async function benchGatewayWrite() {
  let emulator: Started | undefined;
  let gateway: Started | undefined;
  try {
    emulator = await startProcess('src/emulator/main.ts', { EMULATOR_PORT: '0', EMULATOR_SEED: 'false' }, /listening on (http:\/\/\S+)/);
    gateway = await startProcess(
      'src/main.ts',
      { PORT: '0', SQUARE_BASE_URL: emulator.url, GATEWAY_AUTH: 'passthrough' },
      /GraphQL gateway:\s+(http:\/\/\S+)/,
    );
    const square = new SquareClient({ token: DEMO_TOKEN, baseUrl: emulator.url, maxRetries: 0 });
    const direct = async () => {
      const { payment } = await square.payments.create({
        idempotencyKey: randomUUID(),
        sourceId: 'cnon:card-nonce-ok',
        amountMoney: { amount: 1234n, currency: 'USD' },
      });
      if (payment?.status !== 'COMPLETED') throw new Error('direct payment failed');
    };
    const viaGateway = async () => {
      const response = await fetch(gateway!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_TOKEN}` },
        body: JSON.stringify({
          query: MUTATION,
          variables: { input: { idempotencyKey: randomUUID(), sourceId: 'cnon:card-nonce-ok', amountMoney: { amount: '1234', currency: 'USD' } } },
        }),
      });
      const body = (await response.json()) as any;
      if (body.data?.createPayment?.__typename !== 'CreatePaymentSuccess') throw new Error(`gateway payment failed: ${JSON.stringify(body)}`);
    };

    const results: Record<string, unknown> = {};
    for (const latency of [0, 20]) {
      await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
      if (latency > 0) {
        await fetch(`${emulator.url}/_emulator/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ path: '/v2/**', latency_ms: latency }),
        });
      }
      const samples = await timedInTurn({ direct, gateway: viaGateway });
      const sdk = stats(samples.direct);
      const gw = stats(samples.gateway);
      results[`latency${latency}ms`] = {
        directSdkMs: sdk,
        gatewayMs: gw,
        addedMs: { p50: Math.round((gw.p50 - sdk.p50) * 100) / 100, p95: Math.round((gw.p95 - sdk.p95) * 100) / 100 },
      };
    }
    return { runs: RUNS, concurrency: 1, goal: 'added p50 ≤ 2 ms', ...results };
  } finally {
    await gateway?.stop();
    await emulator?.stop();
  }
}
