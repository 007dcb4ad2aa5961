import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SCOPES } from '../../src/apis/registry.js';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import { CONNECT_CALLBACK_PATH, CONNECT_PATH } from '../../src/gateway/connect-paths.js';
import type { SquareConnectOptions } from '../../src/gateway/connect-routes.js';
import type { Gateway } from '../../src/gateway/server.js';
import type { SquareApplication } from '../../src/square/application.js';
import { openVault, VaultKeyRing, type SellerVault } from '../../src/vault/index.js';
import { createTestGateway } from '../support/gateway.js';
import { capturedLogs } from '../support/logs.js';
import { DEMO_APP, VAULT_BACKENDS, vaultKey } from '../support/vaults.js';


interface Connecting {
  gateway: Gateway;
  /** The gateway's origin, e.g. http://127.0.0.1:41234. */
  origin: string;
  vault: SellerVault;
  logs: ReturnType<typeof capturedLogs>;
}

let emulator: Emulator;
let emulatorUrl: string;
let sellers: { merchantId: string; businessName: string }[];
const opened: Connecting[] = [];

beforeAll(async () => {
  emulator = await createEmulator({ seed: false });
  emulatorUrl = await emulator.listen();
  const demo = (await (await fetch(`${emulatorUrl}/_emulator/oauth`)).json()) as { sellers: Array<{ merchant_id: string; business_name: string }> };
  sellers = demo.sellers.map((seller) => ({ merchantId: seller.merchant_id, businessName: seller.business_name }));
});

afterEach(async () => {
  vi.useRealTimers();
  await fetch(`${emulatorUrl}/_emulator/clock`, { method: 'DELETE' });
});

afterAll(async () => {
  // The clock is the process's: times handed out after it moved keep it ahead until a reset wipes them, for the next file.
  if (emulatorUrl) await fetch(`${emulatorUrl}/_emulator/reset`, { method: 'POST' });
  for (const { gateway, vault } of opened) {
    await gateway.close();
    await vault.close();
  }
  await emulator?.close();
});

/** A gateway connecting sellers to the emulator's demo application, into a vault of its own. */
async function connecting(oauth: Partial<SquareConnectOptions> = {}, squareBaseUrl = emulatorUrl, application: SquareApplication = DEMO_APP): Promise<Connecting> {
  const keys = VaultKeyRing.parse(vaultKey('k1'));
  const vault = await openVault({ sqlitePath: ':memory:', keys });
  const logs = capturedLogs('trace');
  const gateway = createTestGateway(squareBaseUrl, { logging: logs.logger, gateway: { vault: { vault, application }, oauth: { scopes: SCOPES, keys, ...oauth } } });
  const origin = new URL(await gateway.listen()).origin;
  const stack = { gateway, origin, vault, logs };
  opened.push(stack);
  return stack;
}

interface Started {
  /** Square's authorize page, with the gateway's parameters. */
  authorize: URL;
  /** The flow's cookie as the browser sends it back: `name=value`. */
  cookie: string;
  setCookie: string;
}

async function start(stack: Connecting): Promise<Started> {
  const response = await fetch(stack.origin + CONNECT_PATH, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const setCookie = response.headers.get('set-cookie')!;
  return { authorize: new URL(response.headers.get('location')!), cookie: setCookie.split(';')[0]!, setCookie };
}

/** The seller's answer on Square's authorize page (its form, as the browser posts it): where Square sends the browser back. */
async function consent(started: Started, decision: 'allow' | 'deny', merchantId = sellers[1]!.merchantId): Promise<URL> {
  const form = new URLSearchParams(started.authorize.searchParams);
  form.set('decision', decision);
  form.set('merchant_id', merchantId);
  const response = await fetch(started.authorize.origin + started.authorize.pathname, { method: 'POST', body: form, redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!);
}

async function callback(url: URL | string, cookie?: string) {
  const response = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  return { status: response.status, page: await response.text(), headers: response.headers };
}

/** The page's heading, as a person reads it first. */
const heading = (page: string) => /<h1>.*?<\/span>(.*?)<\/h1>/s.exec(page)?.[1];

async function tokenCalls(): Promise<number> {
  const { requests } = (await (await fetch(`${emulatorUrl}/_emulator/requests`)).json()) as { requests: Array<{ method: string; path: string }> };
  return requests.filter((request) => request.method === 'POST' && request.path === '/oauth2/token').length;
}

describe('GET /oauth/square/connect', () => {
  it("sends the seller to Square's authorize page: the application, every permission the schema uses, a fresh sign-in, and a state bound to this browser", async () => {
    const stack = await connecting();
    const started = await start(stack);
    expect(started.authorize.origin + started.authorize.pathname).toBe(`${emulatorUrl}/oauth2/authorize`);
    const params = Object.fromEntries(started.authorize.searchParams);
    expect(params).toEqual({
      client_id: DEMO_APP.id,
      scope: SCOPES.join(' '),
      session: 'false',
      state: expect.stringMatching(/^[\w-]+\.\d+\.[\w-]{43}$/),
      redirect_uri: stack.origin + CONNECT_CALLBACK_PATH,
    });
    expect(started.setCookie).toMatch(new RegExp(`^square_connect_[\\w-]+=[\\w-]{43}; Path=${CONNECT_CALLBACK_PATH}; Max-Age=600; HttpOnly; SameSite=Lax$`));
    // The state proves the cookie without showing it.
    expect(params.state).not.toContain(started.cookie.split('=')[1]);
    const again = await start(stack);
    expect(again.authorize.searchParams.get('state')).not.toBe(params.state);
    expect(again.cookie).not.toBe(started.cookie);
  });

  it('asks for the permissions configured, and is secure on an https callback', async () => {
    const stack = await connecting({ scopes: ['MERCHANT_PROFILE_READ', 'ORDERS_READ'], redirectUrl: 'https://partner.example.com/gw/oauth/square/callback' });
    const started = await start(stack);
    expect(started.authorize.searchParams.get('scope')).toBe('MERCHANT_PROFILE_READ ORDERS_READ');
    expect(started.authorize.searchParams.get('redirect_uri')).toBe('https://partner.example.com/gw/oauth/square/callback');
    expect(started.setCookie).toMatch(/; Path=\/gw\/oauth\/square\/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
  });
});

describe('GET /oauth/square/callback', () => {
  it('stores the seller who allowed, with its business name and permissions, and says so; no page or log line holds a token', async () => {
    const stack = await connecting();
    const started = await start(stack);
    const back = await consent(started, 'allow');
    const code = back.searchParams.get('code')!;
    const { status, page, headers } = await callback(back, started.cookie);
    expect(status).toBe(200);
    const harbor = sellers[1]!;
    expect(heading(page)).toBe(`${harbor.businessName} is connected`);
    expect(page).toContain(harbor.merchantId);
    for (const scope of SCOPES) expect(page).toContain(`<code>${scope}</code>`);
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.get('cache-control')).toBe('no-store');
    // The flow's cookie has served.
    expect(headers.get('set-cookie')).toBe(`${started.cookie.split('=')[0]}=; Path=${CONNECT_CALLBACK_PATH}; Max-Age=0; HttpOnly; SameSite=Lax`);

    expect(await stack.vault.sellers()).toEqual([
      expect.objectContaining({ merchantId: harbor.merchantId, businessName: harbor.businessName, status: 'CONNECTED', scopes: [...SCOPES] }),
    ]);
    const accessToken = (await stack.vault.accessToken(harbor.merchantId))!;
    const me = await fetch(`${emulatorUrl}/v2/merchants/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(((await me.json()) as { merchant: { id: string } }).merchant.id).toBe(harbor.merchantId);
    // A claim is how the vault hands out a refresh token (to its refresher).
    const { refreshToken } = (await stack.vault.claimDueRefreshes(new Date(Date.now() + 60 * 86_400_000), 1_000, 1))[0]!;
    for (const secret of [accessToken, refreshToken, code, started.cookie.split('=')[1]!]) {
      expect(page).not.toContain(secret);
      expect(stack.logs.text()).not.toContain(secret);
    }
    expect(stack.logs.lines().map((line) => line.msg)).toContain('seller connected');
  });

  it('stores nothing when the seller declines, and says so', async () => {
    const stack = await connecting();
    const started = await start(stack);
    const back = await consent(started, 'deny');
    expect(back.searchParams.get('error')).toBe('access_denied');
    const { status, page } = await callback(back, started.cookie);
    expect(status).toBe(403);
    expect(heading(page)).toBe('The seller declined');
    expect(page).toContain('Nothing was stored');
    expect(page).toContain('href="connect"');
    expect(await stack.vault.sellers()).toEqual([]);
  });

  it('refuses a callback without the cookie of the browser that started it', async () => {
    const stack = await connecting();
    const started = await start(stack);
    const back = await consent(started, 'allow');
    const { status, page } = await callback(back);
    expect(status).toBe(403);
    expect(heading(page)).toBe('No connection under way in this browser');
    expect(await stack.vault.sellers()).toEqual([]);
  });

  it("refuses a state that is not this browser's, or no state at all", async () => {
    const stack = await connecting();
    const started = await start(stack);
    const back = await consent(started, 'allow');
    const state = back.searchParams.get('state')!;
    const forged = new URL(back);
    forged.searchParams.set('state', state.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')));
    const mismatch = await callback(forged, started.cookie);
    expect(mismatch.status).toBe(403);
    expect(heading(mismatch.page)).toBe('This connection belongs to another browser');

    // Another flow's cookie under this flow's name: a state signed over a different secret.
    const other = await start(stack);
    const swapped = await callback(back, `${started.cookie.split('=')[0]}=${other.cookie.split('=')[1]}`);
    expect(swapped.status).toBe(403);
    expect(heading(swapped.page)).toBe('This connection belongs to another browser');

    const stateless = new URL(back);
    stateless.searchParams.delete('state');
    const missing = await callback(stateless, started.cookie);
    expect(missing.status).toBe(400);
    expect(heading(missing.page)).toBe('This is not a connection link');
    expect(await stack.vault.sellers()).toEqual([]);
    expect(await callback(back, started.cookie)).toMatchObject({ status: 200 });
  });

  it('refuses a callback replayed with its cookie, without asking Square again', async () => {
    const stack = await connecting();
    const started = await start(stack);
    const back = await consent(started, 'allow');
    expect((await callback(back, started.cookie)).status).toBe(200);
    const before = await stack.vault.sellers();
    const exchanges = await tokenCalls();
    const replayed = await callback(back, started.cookie);
    expect(replayed.status).toBe(403);
    expect(heading(replayed.page)).toBe('This connection was completed already');
    expect(await tokenCalls()).toBe(exchanges);
    expect(await stack.vault.sellers()).toEqual(before);
  });

  it('refuses a flow older than 10 minutes', async () => {
    const stack = await connecting();
    const started = await start(stack);
    const back = await consent(started, 'allow');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10 * 60_000 + 1_000);
    const { status, page } = await callback(back, started.cookie);
    expect(status).toBe(400);
    expect(heading(page)).toBe('This connection expired');
    expect(await stack.vault.sellers()).toEqual([]);
  });

  it('refuses a code Square no longer takes: expired, or used already', async () => {
    const stack = await connecting();
    const late = await start(stack);
    const lateBack = await consent(late, 'allow');
    // Square's codes last 5 minutes; the flow itself has 10.
    await fetch(`${emulatorUrl}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_ms: 6 * 60_000 }) });
    const expired = await callback(lateBack, late.cookie);
    expect(expired.status).toBe(400);
    expect(heading(expired.page)).toBe('Square refused the authorization code');
    expect(expired.page).toContain('401 UNAUTHORIZED');
    expect(await stack.vault.sellers()).toEqual([]);
    await fetch(`${emulatorUrl}/_emulator/clock`, { method: 'DELETE' });

    const first = await start(stack);
    const firstBack = await consent(first, 'allow', sellers[2]!.merchantId);
    expect((await callback(firstBack, first.cookie)).status).toBe(200);
    const before = await stack.vault.sellers();
    // The used code with a new flow's own, valid, state.
    const second = await start(stack);
    const secondBack = await consent(second, 'allow', sellers[1]!.merchantId);
    secondBack.searchParams.set('code', firstBack.searchParams.get('code')!);
    const reused = await callback(secondBack, second.cookie);
    expect(reused.status).toBe(400);
    expect(heading(reused.page)).toBe('Square refused the authorization code');
    expect(await stack.vault.sellers()).toEqual(before);
    expect(stack.logs.lines()).toContainEqual(
      expect.objectContaining({ msg: 'a seller connection failed: Square did not take the authorization code', squareStatus: 401, squareCode: 'UNAUTHORIZED' }),
    );
  });

  it('says Square could not be reached when it does not answer the exchange', async () => {
    // The discard port: the authorize URL is only a redirect, the exchange finds no Square.
    const stack = await connecting({}, 'http://127.0.0.1:9');
    const started = await start(stack);
    const back = new URL(stack.origin + CONNECT_CALLBACK_PATH);
    back.searchParams.set('code', 'sq0cgb-some-code');
    back.searchParams.set('state', started.authorize.searchParams.get('state')!);
    const { status, page } = await callback(back, started.cookie);
    expect(status).toBe(502);
    expect(heading(page)).toBe('Square could not be reached');
    expect(await stack.vault.sellers()).toEqual([]);
  });

  for (const backend of VAULT_BACKENDS) {
    it.skipIf(backend.skip)(`lets any instance of a fleet on one ${backend.name} vault complete a flow another started, once`, async () => {
      const location = backend.fresh();
      const keys = vaultKey('k1');
      // Behind a load balancer every instance sends Square the one registered callback URL.
      const oauth = { scopes: SCOPES, keys: VaultKeyRing.parse(keys), redirectUrl: `https://gateway.example.com${CONNECT_CALLBACK_PATH}` };
      const fleet: Connecting[] = [];
      try {
        for (let instance = 0; instance < 2; instance++) {
          const vault = await location.open(keys, () => new Date());
          const gateway = createTestGateway(emulatorUrl, { logging: false, gateway: { vault: { vault, application: DEMO_APP }, oauth } });
          fleet.push({ gateway, origin: new URL(await gateway.listen()).origin, vault, logs: capturedLogs() });
        }
        const [a, b] = fleet as [Connecting, Connecting];
        const started = await start(a);
        const back = await consent(started, 'allow');
        expect(back.origin + back.pathname).toBe(oauth.redirectUrl);
        // The balancer sends the callback to B, and a replay of it to A.
        const onB = await callback(b.origin + CONNECT_CALLBACK_PATH + back.search, started.cookie);
        expect(onB.status).toBe(200);
        const replayed = await callback(a.origin + CONNECT_CALLBACK_PATH + back.search, started.cookie);
        expect(replayed.status).toBe(403);
        expect(heading(replayed.page)).toBe('This connection was completed already');
        expect((await a.vault.sellers()).map((seller) => seller.merchantId)).toEqual([sellers[1]!.merchantId]);
      } finally {
        for (const { gateway, vault } of fleet) {
          await gateway.close();
          await vault.close();
        }
        await location.drop();
      }
    });
  }

  it('connects a public client with PKCE: an S256 challenge on the way out, its verifier instead of the secret on the way back', async () => {
    const stack = await connecting({ pkce: true }, emulatorUrl, { id: DEMO_APP.id });
    const started = await start(stack);
    expect(started.authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(started.authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    const back = await consent(started, 'allow');
    const { status, page } = await callback(back, started.cookie);
    expect(status).toBe(200);
    expect(heading(page)).toBe(`${sellers[1]!.businessName} is connected`);
    expect(await stack.vault.sellers()).toEqual([expect.objectContaining({ merchantId: sellers[1]!.merchantId, status: 'CONNECTED' })]);

    // A code granted for another challenge does not pass this flow's verifier: Square refuses it, nothing is stored.
    const other = await start(stack);
    const foreign = await consent({ ...other, authorize: withParam(other.authorize, 'code_challenge', createHash('sha256').update('x').digest('base64url')) }, 'allow', sellers[2]!.merchantId);
    const refused = await callback(foreign, other.cookie);
    expect(refused.status).toBe(400);
    expect(heading(refused.page)).toBe('Square refused the authorization code');
    expect((await stack.vault.sellers()).map((seller) => seller.merchantId)).toEqual([sellers[1]!.merchantId]);
  });
});

function withParam(url: URL, name: string, value: string): URL {
  const changed = new URL(url);
  changed.searchParams.set(name, value);
  return changed;
}
