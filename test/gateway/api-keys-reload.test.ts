import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { watchKeysFile } from '../../src/gateway/api-keys-file.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { print } from 'graphql';
import { graphql } from '../gql/index.js';
import { useGateway } from '../support/gateway.js';
import { subscribeSse } from '../support/sse.js';

const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((name) => generateKey(name, ['PAYMENTS_READ']));
const dir = mkdtempSync(join(tmpdir(), 'gateway-keys-'));
const path = join(dir, 'keys.json');
const write = (keys: object[]) => writeFileSync(path, JSON.stringify({ keys }));
write([alice!.entry, bob!.entry]);

const ring = ApiKeyRing.parse(JSON.stringify({ keys: [alice!.entry, bob!.entry] }), path);
const warnings: string[] = [];
const watcher = watchKeysFile(ring, path, { info: () => {}, warn: (message: string) => warnings.push(message) });
afterAll(() => {
  watcher.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('API keys reloaded from GATEWAY_API_KEYS_FILE', () => {
  const stack = useGateway({ webhooks: true, apiKeys: ring });
  const codeFor = async (key: string) => {
    const result = await stack.gql(graphql(`query ApiKeysReloadProbe { __typename }`), undefined, { headers: { 'x-api-key': key } });
    return result.errors?.[0]?.extensions?.code ?? 'OK';
  };

  it('refuses a revoked key from the next request on and ends its subscriptions; a new key works at once', async () => {
    expect([await codeFor(alice!.key), await codeFor(bob!.key), await codeFor(carol!.key)]).toEqual(['OK', 'OK', 'UNAUTHENTICATED']);
    const subscription = await subscribeSse(
      stack.url,
      print(graphql(`subscription ApiKeysReloadPayments { paymentUpdated { squareId } }`)),
      {},
      { headers: { 'x-api-key': alice!.key } });
    expect(subscription.completed).toBe(false);

    // Noticed by the file watch (or the poll), with no signal and no restart.
    write([{ ...alice!.entry, revoked: true }, bob!.entry, carol!.entry]);
    await expect.poll(() => codeFor(carol!.key)).toBe('OK');
    expect(await codeFor(alice!.key)).toBe('UNAUTHENTICATED');
    expect(await codeFor(bob!.key)).toBe('OK');
    const last = await subscription.next();
    expect(last.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await expect(subscription.next()).rejects.toThrow(/ended/);
  });

  it('keeps the last good keys when the file turns out broken, and says why', async () => {
    writeFileSync(path, '{"keys": [');
    await watcher.reload();
    expect(warnings.at(-1)).toMatch(/NOT reloaded.*not valid JSON/);
    expect(await codeFor(bob!.key)).toBe('OK');
    write([]);
    await watcher.reload();
    expect(warnings.at(-1)).toMatch(/NOT reloaded.*keys/);
    expect(await codeFor(bob!.key)).toBe('OK');

    // A key removed from the file is refused like a revoked one.
    write([carol!.entry]);
    await watcher.reload();
    expect([await codeFor(bob!.key), await codeFor(carol!.key)]).toEqual(['UNAUTHENTICATED', 'OK']);
  });
});
