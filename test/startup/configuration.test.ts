import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emulatorConfig, emulatorVariables } from '../../src/emulator/config.js';
import { ConfigError, variablesOf } from '../../src/env-schema.js';
import { gatewayConfig, gatewayVariables } from '../../src/gateway/config.js';

/** The problems a configuration has, as `npm start` prints them. */
function problems(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  return [];
}

const WITH_KEYS = { SQUARE_ACCESS_TOKEN: 'EAAA-token', GATEWAY_API_KEYS: '{"keys":[]}' };

describe('the gateway configuration', () => {
  it('reports every bad variable at once, one line each, naming it and what it takes', () => {
    expect(
      problems(() =>
        gatewayConfig({ PORT: '70000', SQUARE_BURST: '0', SQUARE_RATE_PER_SECOND: 'fast', GATEWAY_AUTH: 'open', LOG_LEVEL: 'loud', WEBHOOK_PATH: '/graphql' }),
      ),
    ).toEqual([
      'PORT must be an integer from 0 to 65535, got "70000"',
      'GATEWAY_AUTH must be "server" or "passthrough", got "open"',
      'SQUARE_RATE_PER_SECOND must be a number > 0, got "fast"',
      'SQUARE_BURST must be an integer ≥ 1, got "0"',
      'WEBHOOK_PATH must be a path such as /webhooks/square (not /graphql), got "/graphql"',
      'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "loud"',
    ]);
  });

  it('checks the rules across variables even when a variable is wrong', () => {
    expect(problems(() => gatewayConfig({ PORT: 'x', SQUARE_ACCESS_TOKEN: 'EAAA-token', SQUARE_WEBHOOK_SIGNATURE_KEY: 'whsec' }))).toEqual([
      'PORT must be an integer from 0 to 65535, got "x"',
      expect.stringMatching(/^SQUARE_ACCESS_TOKEN is set in server mode/),
      expect.stringMatching(/^SQUARE_WEBHOOK_SIGNATURE_KEY is set without SQUARE_WEBHOOK_URL/),
    ]);
  });

  it('never repeats the value of a variable that may hold a password or a token', () => {
    expect(problems(() => gatewayConfig({ REDIS_URL: 'https://user:s3cret@cache.internal' }))).toEqual(['REDIS_URL must be a redis:// or rediss:// URL']);
  });

  it('takes an empty variable as unset, and has a default for what it needs', () => {
    const config = gatewayConfig({ PORT: '', SQUARE_BURST: '', LOG_LEVEL: '' });
    expect(config).toMatchObject({ port: 4000, host: '127.0.0.1', authMode: 'server', squareBurst: 200, logLevel: 'info', squareBaseUrl: undefined });
    expect(config.logFormat).toBe('pretty');
  });

  it('logs JSON outside demo mode, and picks Square by SQUARE_ENVIRONMENT with a token', () => {
    expect(gatewayConfig(WITH_KEYS)).toMatchObject({ logFormat: 'json', squareBaseUrl: 'https://connect.squareupsandbox.com' });
    expect(gatewayConfig({ ...WITH_KEYS, SQUARE_ENVIRONMENT: 'production' }).squareBaseUrl).toBe('https://connect.squareup.com');
    expect(gatewayConfig({ ...WITH_KEYS, SQUARE_BASE_URL: 'http://127.0.0.1:4010', LOG_FORMAT: 'pretty' })).toMatchObject({
      logFormat: 'pretty',
      squareBaseUrl: 'http://127.0.0.1:4010',
    });
  });

  it('refuses a server token no API key guards, which would let every caller act with it', () => {
    expect(problems(() => gatewayConfig({ SQUARE_ACCESS_TOKEN: 'EAAA-token' }))).toEqual([expect.stringMatching(/^SQUARE_ACCESS_TOKEN is set in server mode: .*GATEWAY_API_KEYS/)]);
    expect(problems(() => gatewayConfig({ SQUARE_ACCESS_TOKEN: 'EAAA-token', GATEWAY_AUTH: 'passthrough' }))).toEqual([]);
    expect(problems(() => gatewayConfig({ ...WITH_KEYS, GATEWAY_API_KEYS_FILE: 'keys.json' }))).toEqual([
      'GATEWAY_API_KEYS and GATEWAY_API_KEYS_FILE are both set: set one.',
    ]);
  });

  it('wants the webhook URL with the signature key outside demo mode, where the demo makes its own', () => {
    const key = { SQUARE_WEBHOOK_SIGNATURE_KEY: 'whsec' };
    expect(problems(() => gatewayConfig({ ...WITH_KEYS, ...key }))).toEqual([
      'SQUARE_WEBHOOK_SIGNATURE_KEY is set without SQUARE_WEBHOOK_URL: Square signs the notification URL, set it exactly.',
    ]);
    expect(problems(() => gatewayConfig({ ...WITH_KEYS, SQUARE_WEBHOOK_URL: 'https://gw.example.com/webhooks/square' }))).toEqual([
      "SQUARE_WEBHOOK_URL is set without SQUARE_WEBHOOK_SIGNATURE_KEY: webhooks are received only with the subscription's key.",
    ]);
    expect(problems(() => gatewayConfig({ ...WITH_KEYS, ...key, SQUARE_WEBHOOK_URL: 'https://gw.example.com/webhooks/square' }))).toEqual([]);
    expect(problems(() => gatewayConfig(key))).toEqual([]);
  });
});

describe('connecting sellers (Square OAuth)', () => {
  const VAULT_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
  const APP = { ...WITH_KEYS, SQUARE_APPLICATION_ID: 'sq0idp-app', VAULT_KEYS, OAUTH_REDIRECT_URL: 'https://gw.example.com/oauth/square/callback' };

  it('takes a confidential client with its secret, or a public one with PKCE, and the permissions asked', () => {
    expect(gatewayConfig({ ...APP, SQUARE_APPLICATION_SECRET: 'sq0csp-secret' })).toMatchObject({
      squareApplicationId: 'sq0idp-app',
      squareApplicationSecret: 'sq0csp-secret',
      oauthRedirectUrl: 'https://gw.example.com/oauth/square/callback',
      oauthScopes: undefined,
      oauthPkce: false,
    });
    expect(gatewayConfig({ ...APP, OAUTH_PKCE: 'true', OAUTH_SCOPES: 'MERCHANT_PROFILE_READ, ORDERS_READ ORDERS_READ' })).toMatchObject({
      squareApplicationSecret: undefined,
      oauthScopes: ['MERCHANT_PROFILE_READ', 'ORDERS_READ'],
      oauthPkce: true,
    });
  });

  it('refuses an application without the keys to seal its sellers\' tokens, its callback URL, or a way to prove itself', () => {
    const { VAULT_KEYS: _keys, OAUTH_REDIRECT_URL: _url, ...bare } = APP;
    expect(problems(() => gatewayConfig(bare))).toEqual([
      expect.stringMatching(/^SQUARE_APPLICATION_ID is set without VAULT_KEYS: connected sellers' tokens are stored encrypted with them/),
      'SQUARE_APPLICATION_ID is set without OAUTH_REDIRECT_URL: set the callback URL exactly as registered for the application at Square.',
      'SQUARE_APPLICATION_ID is set without SQUARE_APPLICATION_SECRET: set the secret, or OAUTH_PKCE=true for a public client.',
    ]);
    expect(problems(() => gatewayConfig({ ...APP, SQUARE_APPLICATION_SECRET: 'sq0csp-secret', OAUTH_PKCE: 'true' }))).toEqual([
      'OAUTH_PKCE=true is for a public client, which has no secret: unset SQUARE_APPLICATION_SECRET, or OAUTH_PKCE.',
    ]);
    expect(problems(() => gatewayConfig({ ...WITH_KEYS, SQUARE_APPLICATION_SECRET: 'sq0csp-secret', OAUTH_SCOPES: 'ORDERS_READ' }))).toEqual([
      'SQUARE_APPLICATION_SECRET, OAUTH_SCOPES are set without SQUARE_APPLICATION_ID: set the application sellers connect to.',
    ]);
  });

  it('checks the callback URL and the permissions, never repeating the secret', () => {
    expect(
      problems(() =>
        gatewayConfig({ ...APP, SQUARE_APPLICATION_SECRET: 'sq0csp-secret', OAUTH_REDIRECT_URL: 'https://gw.example.com/callback', OAUTH_SCOPES: 'orders_read,ORDERS_READ' }),
      ),
    ).toEqual([
      'OAUTH_REDIRECT_URL must end in /oauth/square/callback, where the gateway completes a connection, got "https://gw.example.com/callback"',
      'OAUTH_SCOPES must list Square permissions such as CUSTOMERS_READ,ORDERS_READ, got "orders_read"',
    ]);
    expect(problems(() => gatewayConfig({ SQUARE_APPLICATION_SECRET: 'sq0csp-secret' })).join('\n')).not.toContain('sq0csp-secret');
  });

  it("serves Square's environment for an application of its own, with no token: only the demo has no application", () => {
    const { SQUARE_ACCESS_TOKEN: _token, ...tokenless } = { ...APP, SQUARE_APPLICATION_SECRET: 'sq0csp-secret' };
    expect(gatewayConfig(tokenless)).toMatchObject({ squareBaseUrl: 'https://connect.squareupsandbox.com', squareToken: undefined, logFormat: 'json' });
    // Partner keys decide who acts for which connected seller: without keys anyone would act for all of them.
    const { GATEWAY_API_KEYS: _keys, ...keyless } = tokenless;
    expect(problems(() => gatewayConfig(keyless))).toEqual([expect.stringMatching(/^SQUARE_APPLICATION_ID is set without gateway API keys: anyone could then act for every connected seller/)]);
    expect(gatewayConfig({ ...tokenless, SQUARE_ENVIRONMENT: 'production' }).squareBaseUrl).toBe('https://connect.squareup.com');
    // The demo connects sellers to the emulator's demo application; PKCE and the permissions apply to it.
    expect(gatewayConfig({ OAUTH_PKCE: 'true', OAUTH_SCOPES: 'ORDERS_READ' })).toMatchObject({
      squareBaseUrl: undefined,
      squareApplicationId: undefined,
      oauthPkce: true,
      oauthScopes: ['ORDERS_READ'],
    });
    expect(problems(() => gatewayConfig({ SQUARE_APPLICATION_SECRET: 'sq0csp-secret' }))).toEqual([
      'SQUARE_APPLICATION_SECRET is set without SQUARE_APPLICATION_ID: set the application sellers connect to.',
    ]);
  });
});

describe('the emulator configuration', () => {
  it('reports every bad variable at once, and the rate rules after them', () => {
    expect(problems(() => emulatorConfig({ EMULATOR_PORT: '-1', EMULATOR_SEED: 'no', EMULATOR_WEBHOOK_URL: 'ftp://x' }))).toEqual([
      'EMULATOR_PORT must be an integer from 0 to 65535, got "-1"',
      'EMULATOR_SEED must be "true" or "false", got "no"',
      'EMULATOR_WEBHOOK_URL must be an http(s) URL, got "ftp://x"',
    ]);
    expect(problems(() => emulatorConfig({ EMULATOR_RATE_BURST: '5' }))).toEqual(['EMULATOR_RATE_BURST is set without EMULATOR_RATE_LIMIT: set the rate too.']);
    expect(emulatorConfig({})).toMatchObject({ port: 4010, host: '127.0.0.1', seed: true, latencyMs: 0, rateLimit: undefined });
  });
});

describe("the README's Configuration table", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('\n## Configuration\n'), readme.indexOf('\n## ', readme.indexOf('\n## Configuration\n') + 1));
  const rows = new Map([...table.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]*) \|/gm)].map(([, name, fallback]) => [name!, fallback!.trim()]));
  const variables = [...variablesOf(gatewayVariables), ...variablesOf(emulatorVariables)];

  it('has a row for every variable read, and none for a variable nothing reads', () => {
    expect([...rows.keys()].sort()).toEqual(variables.map((v) => v.name).sort());
  });

  it("gives each variable's default as the schema has it", () => {
    for (const variable of variables.filter((v) => v.default !== undefined)) {
      const cell = rows.get(variable.name);
      expect(cell, variable.name).toMatch(variable.default === '' ? /^empty/ : new RegExp(`^\`${variable.default!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\``));
    }
  });

  it('describes every variable in the schema too', () => {
    expect(variables.filter((v) => !v.description)).toEqual([]);
  });
});
