import { fanOut } from '../test/support/hostile-documents.js';
import { percentile, roundTo, type Started } from './lib.js';
import { postGraphQL, startEmulator, startGateway, stopAll } from './stack.js';

/** The goal: a hostile document refused, and `{ __typename }` sent beside it answered, each within this. */
const GOAL_MS = 100;

/** Each a document the gateway has not seen (it keeps parsed ones): the fan-outs and repeats of test/gateway/document-walks.test.ts. */
const HOSTILE: Record<string, (attempt: number) => { query: string; variables?: Record<string, unknown> }> = {
  'fragments spreading each other twice, 30 levels': (attempt) => ({
    query: `# ${attempt}\nquery { ...F0 }\n${fanOut(30, 'Query', 'customers(first: 1) { edges { node { id } } }')}`,
  }),
  'one field 500 times': (attempt) => ({ query: `# ${attempt}\n{ ${'customer(id: "a") { id } '.repeat(500)} }` }),
  '60,000 unknown input fields': (attempt) => {
    const input: Record<string, string> = { idempotencyKey: 'k', givenName: 'Ada' };
    for (let i = 0; i < 60_000; i++) input[`fld${i}`] = 'x';
    return { query: `# ${attempt}\nmutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename } }`, variables: { input } };
  },
};

/**
 * How long the gateway takes to refuse each hostile document, and how long `{ __typename }` sent
 * at the same moment waits: a gateway that walked a document's expansion would hold its one
 * thread for seconds to hours, and every other request with it. `repeats` of each, on a gateway
 * process of its own; the tests check what refuses them, this how fast.
 */
export async function benchHostileDocuments(repeats: number) {
  const started: Array<Started | undefined> = [];
  try {
    const emulator = await startEmulator({ EMULATOR_SEED: 'false' });
    started.push(emulator);
    const gateway = await startGateway(emulator.url);
    started.push(gateway);
    await postGraphQL(gateway.url, '{ __typename }');
    const results: Record<string, unknown> = {};
    for (const [name, document] of Object.entries(HOSTILE)) {
      const refused: number[] = [];
      const beside: number[] = [];
      for (let attempt = 0; attempt < repeats; attempt++) {
        const { query, variables } = document(attempt);
        const [heavy, light] = await Promise.all([postGraphQL(gateway.url, query, variables), postGraphQL(gateway.url, '{ __typename }')]);
        if (!heavy.body.errors) throw new Error(`${name} was not refused`);
        refused.push(heavy.ms);
        beside.push(light.ms);
      }
      refused.sort((a, b) => a - b);
      beside.sort((a, b) => a - b);
      results[name] = {
        refusedMs: { p50: percentile(refused, 50), p99: percentile(refused, 99), max: roundTo(refused.at(-1)!) },
        typenameBesideMs: { p50: percentile(beside, 50), p99: percentile(beside, 99), max: roundTo(beside.at(-1)!) },
        withinGoalAtP50: percentile(refused, 50) <= GOAL_MS && percentile(beside, 50) <= GOAL_MS,
      };
    }
    return { goalMs: GOAL_MS, repeats, results };
  } finally {
    await stopAll(started);
  }
}
