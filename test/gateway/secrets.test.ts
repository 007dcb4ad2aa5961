import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { useGateway } from '../support/gateway.js';
import { capturedLogs } from '../support/logs.js';

const SELLER_TOKEN = 'EAAAl-seller-secret-token-0123456789';

describe('secrets stay out of logs and errors', () => {
  const logs = capturedLogs();
  const stack = useGateway({ authMode: 'passthrough', logging: logs.logger });

  it('never logs or echoes a seller token, even when Square fails', async () => {
    const customers = graphql(`query SecretsCustomers { customers(first: 1) { edges { node { id } } } }`);
    await stack.gql(customers, {}, { token: SELLER_TOKEN });
    for (const status of [500, 401, 429]) {
      await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: '/v2/**', status, count: 1 }),
      });
      const result = await stack.gql(customers, {}, { token: SELLER_TOKEN });
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(result)).not.toContain(SELLER_TOKEN);
    }
    await fetch(`${stack.emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
    expect(logs.text()).not.toContain(SELLER_TOKEN);
    expect(logs.text().length).toBeGreaterThan(0);
  });

  it('never echoes a card token given to a mutation that Square refuses', async () => {
    const token = 'cnon:card-nonce-declined';
    const result = await stack.gql(
      graphql(`mutation SecretsRefusedCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename ... on Error { message } } }`),
      { input: { givenName: 'X', note: token, phoneNumber: '1', idempotencyKey: 'secrets-refused' } },
      { token: SELLER_TOKEN },
    );
    expect(result.data?.createCustomer?.__typename).toBe('ValidationError');
    expect(JSON.stringify(result)).not.toContain(token);
    expect(logs.text()).not.toContain(token);
  });
});
