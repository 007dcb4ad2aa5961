import { graphql } from '../gql/index.js';
import { expect, vi } from 'vitest';
import { SERVER_TOKEN, type TestStack } from './gateway.js';
import { WAIT } from './waiting.js';

/** A seller's merge of duplicate profiles in Square (the emulator's control plane stands in for the dashboard). */
export async function merge(stack: TestStack, fromIds: string[]): Promise<string> {
  const response = await fetch(`${stack.emulatorUrl}/_emulator/customers/merge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVER_TOKEN}` },
    body: JSON.stringify({ from_customer_ids: fromIds }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { customer: { id: string } }).customer.id;
}

/** Waits until the gateway has applied the merge's webhook: `customerId` lists `count` merged profiles. */
export async function untilMerged(stack: TestStack, customerId: string, count: number): Promise<string[]> {
  return vi.waitUntil(async () => {
    const result = await stack.gql(graphql(`query MergedFrom($id: ID!) { customer(id: $id) { mergedFrom } }`), { id: customerId });
    const mergedFrom = result.data?.customer?.mergedFrom;
    return mergedFrom?.length === count && mergedFrom;
  }, WAIT);
}
