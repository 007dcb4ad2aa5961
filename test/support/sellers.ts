import { SCOPES } from '../../src/apis/registry.js';
import type { Emulator } from '../../src/emulator/server.js';
import { SqliteSellerVault, VaultKeyRing, type SellerVault } from '../../src/vault/index.js';
import { newToken } from './fixtures.js';
import { DEMO_APP, vaultKey } from './vaults.js';


/** A vault in memory, for one test file; close it after the gateway. */
export const memoryVault = (): SellerVault => new SqliteSellerVault({ path: ':memory:', keys: VaultKeyRing.parse(vaultKey('test')), now: () => new Date() });

/** Gateway options for partners: its vault, and the application whose credentials disconnectSeller revokes with. */
export const partnerGateway = (vault: SellerVault) => ({ vault: { vault, application: DEMO_APP } });

export interface ConnectedTestSeller {
  merchantId: string;
  /** A token of the seller's merchant with every permission, straight to the emulator: to arrange its data. */
  token: string;
  /** The OAuth access token the vault holds for it. */
  accessToken: string;
}

/**
 * A merchant of its own in the emulator, connected to `vault` as the OAuth callback connects a
 * seller: the emulator's control plane grants the demo application `scopes` (Square's names;
 * every scope a gateway key may hold by default), `/oauth2/token` exchanges the code, and the
 * vault stores the grant.
 */
export async function connectSeller(
  stack: { emulator: Emulator; emulatorUrl: string },
  vault: SellerVault,
  { scopes = SCOPES }: { scopes?: readonly string[] } = {},
): Promise<ConnectedTestSeller> {
  const token = newToken();
  const merchantId = stack.emulator.ctx.merchantFor(token);
  const redirectUri = 'http://127.0.0.1:9/callback';
  const granted = await post<{ redirect_url: string }>(`${stack.emulatorUrl}/_emulator/oauth/authorizations`, {
    client_id: DEMO_APP.id,
    scopes,
    redirect_uri: redirectUri,
    state: 'test',
    merchant_id: merchantId,
  });
  const code = new URL(granted.redirect_url).searchParams.get('code')!;
  const tokens = await post<{ access_token: string; refresh_token: string; expires_at: string; merchant_id: string }>(`${stack.emulatorUrl}/oauth2/token`, {
    client_id: DEMO_APP.id,
    client_secret: DEMO_APP.secret,
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
  });
  await vault.connect({
    merchantId: tokens.merchant_id,
    businessName: `Seller ${merchantId}`,
    scopes,
    tokens: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: tokens.expires_at },
  });
  return { merchantId, token, accessToken: tokens.access_token };
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** The headers of a partner's request acting for one connected seller. */
export const actingFor = (key: string, merchantId: string) => ({ 'x-api-key': key, 'x-square-merchant-id': merchantId });

/** Revokes the seller's authorization from the seller's side (its Seller Dashboard), as the emulator's control plane does. */
export async function revokeAtSquare(emulatorUrl: string, merchantId: string): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/oauth/authorizations`, {
    method: 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: DEMO_APP.id, merchant_id: merchantId }),
  });
  if (!response.ok) throw new Error(`revoking ${merchantId} answered ${response.status}: ${await response.text()}`);
}
