import { print } from 'graphql';
import { SquareClient } from 'square';
import { describe, expect, it } from 'vitest';
import { SQUARE_VERSION } from '../../src/square/client.js';
import { CurrentMerchantDocument } from '../gql/graphql.js';
import { createTestGateway, SERVER_TOKEN, useGateway } from '../support/gateway.js';

const stack = useGateway();

/** The Square-Version of each Square call the emulator logged since the last clear. */
async function versionsSent(): Promise<string[]> {
  const { requests } = (await (await fetch(`${stack.emulatorUrl}/_emulator/requests`)).json()) as { requests: Array<{ square_version: string }> };
  return [...new Set(requests.map((r) => r.square_version))];
}

describe('the Square-Version the gateway sends', () => {
  it('is pinned to the one the square SDK sends: an upgraded SDK fails here until the pin is moved with it', async () => {
    const { rawResponse } = await new SquareClient({ token: SERVER_TOKEN, baseUrl: stack.emulatorUrl, maxRetries: 0 }).locations.list().withRawResponse();
    expect(rawResponse.headers.get('square-version')).toBe(SQUARE_VERSION);
  });

  it('is the pinned one by default', async () => {
    await stack.clearCalls();
    expect((await stack.gql(CurrentMerchantDocument)).errors).toBeUndefined();
    expect(await versionsSent()).toEqual([SQUARE_VERSION]);
  });

  it('is SQUARE_VERSION when set', async () => {
    const gateway = createTestGateway(stack.emulatorUrl, { gateway: { squareVersion: '2025-08-20' } });
    try {
      const url = await gateway.listen();
      await stack.clearCalls();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: print(CurrentMerchantDocument) }),
      });
      expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
      expect(await versionsSent()).toEqual(['2025-08-20']);
    } finally {
      await gateway.close();
    }
  });
});
