import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CachedCustomerNamesDocument } from '../gql/graphql.js';
import { addFault, clearFaults } from '../support/faults.js';
import { useGateway } from '../support/gateway.js';
import { capturedLogs, type LogLine } from '../support/logs.js';

const logs = capturedLogs();
// No retries, so that each query makes one ListCustomers attempt; a second's timeout per Square call.
const stack = useGateway({ logging: logs.logger, maxRetries: 0, timeoutSeconds: 1 });

async function listCustomers(requestId: string): Promise<void> {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ query: print(CachedCustomerNamesDocument), variables: { first: 1 } }),
  });
  await response.arrayBuffer();
}

const episodeLines = (kind: string): LogLine[] => logs.lines().filter((l) => l.kind === kind);

/** Fails the next `count` ListCustomers calls with `fault`, makes `count` queries, then one that succeeds. */
async function episode(name: string, fault: Record<string, unknown>, count: number): Promise<void> {
  await addFault(stack, { method: 'GET', path: '/v2/customers', count, ...fault });
  for (let i = 1; i <= count; i++) await listCustomers(`${name}-${i}`);
  await clearFaults(stack);
  await listCustomers(`${name}-recovered`);
}

describe("Square's failures are logged once per episode", () => {
  it('an outage (5xx): one warning at its first failure, one line when it is over with how many calls failed and for how long', async () => {
    await episode('outage', { status: 503 }, 4);
    const [first, over, ...more] = episodeLines('unreachable');
    expect(more).toEqual([]);
    expect(first).toMatchObject({ level: 40, endpoint: 'GET /v2/customers', status: 503, requestId: 'outage-1' });
    expect(first?.seller).toMatch(/^[\w-]{12}$/);
    expect(over).toMatchObject({ level: 30, msg: 'Square unreachable episode over', failedCalls: 4, requestId: 'outage-recovered', seller: first?.seller });
    expect(over?.durationMs).toEqual(expect.any(Number));
  });

  it('timeouts: the calls Square does not answer within SQUARE_TIMEOUT_SECONDS', async () => {
    await episode('timeout', { latency_ms: 1_500 }, 2);
    const lines = episodeLines('timeout');
    expect(lines.map((l) => [l.level, l.requestId])).toEqual([
      [40, 'timeout-1'],
      [30, 'timeout-recovered'],
    ]);
    expect(lines[0]).toMatchObject({ endpoint: 'GET /v2/customers', failure: 'timeout' });
    expect(lines[1]).toMatchObject({ failedCalls: 2 });
    expect(lines[1]?.durationMs).toBeGreaterThanOrEqual(1_000);
  });

  it("throttling (429): Square's refusals, not the gateway's own budget's", async () => {
    await episode('throttled', { status: 429, code: 'RATE_LIMITED', category: 'RATE_LIMIT_ERROR', retry_after_seconds: 1 }, 3);
    const lines = episodeLines('throttled');
    expect(lines.map((l) => [l.level, l.requestId])).toEqual([
      [40, 'throttled-1'],
      [30, 'throttled-recovered'],
    ]);
    expect(lines[0]).toMatchObject({ status: 429 });
    expect(lines[1]).toMatchObject({ failedCalls: 3 });
  });

  it('says nothing while Square answers', async () => {
    logs.clear();
    for (let i = 0; i < 3; i++) await listCustomers(`quiet-${i}`);
    expect(logs.lines().filter((l) => l.level >= 40 || l.kind)).toEqual([]);
  });
});
