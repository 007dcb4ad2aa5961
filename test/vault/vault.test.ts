import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SellerGrant, SellerVault } from '../../src/vault/index.js';
import { testClock, VAULT_BACKENDS, vaultKey, type VaultLocation } from '../support/vaults.js';

const DAY = 24 * 3600_000;
const LEASE = 60_000;

/** A grant as the OAuth callback stores it, with tokens shaped as the emulator's. */
function grant(now: Date, overrides: Partial<SellerGrant['tokens']> = {}): SellerGrant {
  return {
    merchantId: `M${randomUUID().slice(0, 12).toUpperCase()}`,
    businessName: 'Harbor Books',
    scopes: ['MERCHANT_PROFILE_READ', 'PAYMENTS_READ'],
    tokens: {
      accessToken: `EAAAEMU${randomUUID()}`,
      refreshToken: `EQAAEMU${randomUUID()}`,
      // Square writes whole seconds without fractions.
      expiresAt: new Date(now.getTime() + 30 * DAY).toISOString().replace(/\.\d+Z$/, 'Z'),
      ...overrides,
    },
  };
}

for (const backend of VAULT_BACKENDS) {
  describe.skipIf(backend.skip)(`seller vault on ${backend.name}`, () => {
    const locations: VaultLocation[] = [];
    const opened: SellerVault[] = [];
    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((vault) => vault.close()));
      await Promise.all(locations.splice(0).map((location) => location.drop()));
    });
    async function fresh(keys = vaultKey('k1')) {
      const location = backend.fresh();
      locations.push(location);
      const clock = testClock();
      const open = async (withKeys = keys) => {
        const vault = await location.open(withKeys, clock.now);
        opened.push(vault);
        return vault;
      };
      return { vault: await open(), open, clock, location };
    }

    it('keeps a connected seller with its tokens, and a new grant replaces the old', async () => {
      const { vault, clock } = await fresh();
      const seller = grant(clock.now());
      await vault.connect(seller);
      expect(await vault.accessToken(seller.merchantId)).toBe(seller.tokens.accessToken);
      expect(await vault.seller(seller.merchantId)).toEqual({
        merchantId: seller.merchantId,
        businessName: 'Harbor Books',
        status: 'CONNECTED',
        scopes: ['MERCHANT_PROFILE_READ', 'PAYMENTS_READ'],
        connectedAt: clock.now().toISOString(),
        accessTokenExpiresAt: new Date(seller.tokens.expiresAt).toISOString(),
        lastRefreshedAt: null,
        refreshFailures: 0,
        lastRefreshError: null,
        disconnectedAt: null,
        disconnectReason: null,
      });
      const again = { ...grant(clock.now()), merchantId: seller.merchantId, scopes: ['ORDERS_READ'] };
      await vault.connect(again);
      expect(await vault.accessToken(seller.merchantId)).toBe(again.tokens.accessToken);
      expect((await vault.sellers()).map((s) => [s.merchantId, s.scopes])).toEqual([[seller.merchantId, ['ORDERS_READ']]]);
      expect(await vault.seller('MUNKNOWN')).toBeUndefined();
      expect(await vault.accessToken('MUNKNOWN')).toBeUndefined();
    });

    it('forgets a disconnected seller’s tokens and says why, once', async () => {
      const { vault, clock } = await fresh();
      const seller = grant(clock.now());
      await vault.connect(seller);
      clock.advance(1000);
      expect(await vault.disconnect(seller.merchantId, 'REVOKED_BY_SELLER')).toBe(true);
      expect(await vault.disconnect(seller.merchantId, 'DISCONNECTED_BY_PARTNER')).toBe(false);
      expect(await vault.disconnect('MUNKNOWN', 'DISCONNECTED_BY_PARTNER')).toBe(false);
      expect(await vault.accessToken(seller.merchantId)).toBeUndefined();
      expect(await vault.seller(seller.merchantId)).toMatchObject({
        status: 'DISCONNECTED',
        disconnectReason: 'REVOKED_BY_SELLER',
        disconnectedAt: clock.now().toISOString(),
        accessTokenExpiresAt: null,
      });
      // Connecting again starts afresh.
      await vault.connect(seller);
      expect(await vault.seller(seller.merchantId)).toMatchObject({ status: 'CONNECTED', disconnectReason: null, disconnectedAt: null });
    });

    it('hands each due renewal to one instance until its lease lapses, soonest expiry first', async () => {
      const { vault, open, clock } = await fresh();
      const other = await open();
      const now = clock.now();
      const soon = grant(now, { expiresAt: new Date(now.getTime() + 20 * DAY).toISOString() });
      const sooner = grant(now, { expiresAt: new Date(now.getTime() + 10 * DAY).toISOString() });
      const later = grant(now);
      const shortLived = grant(now, { refreshToken: undefined, expiresAt: new Date(now.getTime() + DAY).toISOString() });
      const gone = grant(now, { expiresAt: new Date(now.getTime() + DAY).toISOString() });
      for (const seller of [soon, sooner, later, shortLived, gone]) await vault.connect(seller);
      await vault.disconnect(gone.merchantId, 'DISCONNECTED_BY_PARTNER');

      const dueBefore = new Date(now.getTime() + 23 * DAY);
      const first = await vault.claimDueRefreshes(dueBefore, LEASE, 1);
      expect(first.map((c) => [c.merchantId, c.refreshToken, c.failures])).toEqual([[sooner.merchantId, sooner.tokens.refreshToken, 0]]);
      const second = await vault.claimDueRefreshes(dueBefore, LEASE, 10);
      expect(second.map((c) => [c.merchantId, c.refreshToken, c.failures])).toEqual([[soon.merchantId, soon.tokens.refreshToken, 0]]);
      const claims = [...first, ...second];
      expect(await other.claimDueRefreshes(dueBefore, LEASE, 10)).toEqual([]);
      expect((await vault.claimDueRefreshes(dueBefore, LEASE, 1)).length).toBe(0);

      // The instance that claimed them died: once the lease lapses, another takes them over.
      clock.advance(LEASE);
      const takenOver = await other.claimDueRefreshes(dueBefore, LEASE, 1);
      expect(takenOver.map((c) => c.merchantId)).toEqual([sooner.merchantId]);
      // Its outcome arrives late: the claim taken over records nothing; the lapsed one nobody took is still its own.
      expect(await vault.refreshed(claims[0]!, grant(now).tokens)).toBe(false);
      expect(await vault.refreshFailed(claims[1]!, 'late', 1000)).toBe(true);
    });

    it('splits concurrent claims between instances without overlap', async () => {
      const { vault, open, clock } = await fresh();
      const instances = [vault, await open(), await open()];
      const sellers = Array.from({ length: 60 }, () => grant(clock.now()));
      for (const seller of sellers) await vault.connect(seller);
      const dueBefore = new Date(clock.now().getTime() + 31 * DAY);
      const rounds = await Promise.all(instances.flatMap((instance) => [1, 2, 3].map(() => instance.claimDueRefreshes(dueBefore, LEASE, 7))));
      const claimed = rounds.flat().map((c) => c.merchantId);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed.length).toBe(60);
    });

    it('records a renewal, ending the claim and any failures', async () => {
      const { vault, clock } = await fresh();
      const seller = grant(clock.now());
      await vault.connect(seller);
      clock.advance(8 * DAY);
      const dueBefore = new Date(clock.now().getTime() + 23 * DAY);
      const [claim] = await vault.claimDueRefreshes(dueBefore, LEASE, 10);
      expect(await vault.refreshFailed(claim!, 'SERVICE_UNAVAILABLE: try later', 5000)).toBe(true);
      expect(await vault.seller(seller.merchantId)).toMatchObject({ status: 'REFRESH_FAILING', refreshFailures: 1, lastRefreshError: 'SERVICE_UNAVAILABLE: try later' });
      // Its access token still works meanwhile.
      expect(await vault.accessToken(seller.merchantId)).toBe(seller.tokens.accessToken);
      // Backing off: not due again until the retry time.
      expect(await vault.claimDueRefreshes(dueBefore, LEASE, 10)).toEqual([]);
      clock.advance(5000);
      const [retry] = await vault.claimDueRefreshes(dueBefore, LEASE, 10);
      expect(retry).toMatchObject({ merchantId: seller.merchantId, failures: 1 });

      const renewed = grant(clock.now(), { refreshToken: seller.tokens.refreshToken }).tokens;
      expect(await vault.refreshed(retry!, renewed)).toBe(true);
      expect(await vault.refreshed(retry!, renewed)).toBe(false);
      expect(await vault.accessToken(seller.merchantId)).toBe(renewed.accessToken);
      expect(await vault.seller(seller.merchantId)).toMatchObject({
        status: 'CONNECTED',
        refreshFailures: 0,
        lastRefreshError: null,
        lastRefreshedAt: clock.now().toISOString(),
        accessTokenExpiresAt: new Date(renewed.expiresAt).toISOString(),
      });
      expect(await vault.claimDueRefreshes(dueBefore, LEASE, 10)).toEqual([]);
    });

    it('disconnects a seller whose refresh token Square refused, and a claim ended by a disconnect or a new grant records nothing', async () => {
      const { vault, clock } = await fresh();
      const [refused, revoked, reconnected] = [grant(clock.now()), grant(clock.now()), grant(clock.now())];
      for (const seller of [refused, revoked, reconnected]) await vault.connect(seller);
      const claims = await vault.claimDueRefreshes(new Date(clock.now().getTime() + 31 * DAY), LEASE, 10);
      const claimOf = (merchantId: string) => claims.find((c) => c.merchantId === merchantId)!;

      expect(await vault.refreshFailed(claimOf(refused.merchantId), 'UNAUTHORIZED: The refresh token is not valid', undefined)).toBe(true);
      expect(await vault.seller(refused.merchantId)).toMatchObject({
        status: 'DISCONNECTED',
        disconnectReason: 'REFRESH_REJECTED',
        lastRefreshError: 'UNAUTHORIZED: The refresh token is not valid',
      });
      expect(await vault.accessToken(refused.merchantId)).toBeUndefined();

      await vault.disconnect(revoked.merchantId, 'REVOKED_BY_SELLER');
      expect(await vault.refreshed(claimOf(revoked.merchantId), grant(clock.now()).tokens)).toBe(false);
      expect(await vault.seller(revoked.merchantId)).toMatchObject({ status: 'DISCONNECTED', disconnectReason: 'REVOKED_BY_SELLER' });

      const fresher = { ...grant(clock.now()), merchantId: reconnected.merchantId };
      await vault.connect(fresher);
      expect(await vault.refreshFailed(claimOf(reconnected.merchantId), 'refused', undefined)).toBe(false);
      expect(await vault.accessToken(reconnected.merchantId)).toBe(fresher.tokens.accessToken);
    });

    it('sums sellers per status and dates the oldest token held', async () => {
      const { vault, clock } = await fresh();
      expect(await vault.summary()).toEqual({ sellers: { CONNECTED: 0, REFRESH_FAILING: 0, DISCONNECTED: 0 }, oldestTokenObtainedAt: null, sealedWith: {} });
      const first = clock.now().toISOString();
      const sellers = [grant(clock.now()), grant(clock.now()), grant(clock.now())];
      for (const seller of sellers) {
        await vault.connect(seller);
        clock.advance(1000);
      }
      await vault.disconnect(sellers[2]!.merchantId, 'TOKEN_REJECTED');
      const [claim] = await vault.claimDueRefreshes(new Date(clock.now().getTime() + 31 * DAY), LEASE, 1);
      await vault.refreshFailed(claim!, 'INTERNAL_SERVER_ERROR', 1000);
      expect(await vault.summary()).toEqual({ sellers: { CONNECTED: 1, REFRESH_FAILING: 1, DISCONNECTED: 1 }, oldestTokenObtainedAt: first, sealedWith: { k1: 2 } });
    });

    it('keeps every seller readable through a key rotation, and re-seals every row with the new key', async () => {
      const k1 = vaultKey('k1');
      const k2 = vaultKey('k2');
      const { vault, open, clock } = await fresh(k1);
      const sellers = Array.from({ length: 12 }, () => grant(clock.now()));
      for (const seller of sellers) await vault.connect(seller);
      await vault.disconnect(sellers[0]!.merchantId, 'DISCONNECTED_BY_PARTNER');

      const rotating = await open(`${k2},${k1}`);
      for (const seller of sellers.slice(1)) expect(await rotating.accessToken(seller.merchantId)).toBe(seller.tokens.accessToken);
      // A renewal seals with the new key by itself; the rotation does the rest.
      const [claim] = await rotating.claimDueRefreshes(new Date(clock.now().getTime() + 31 * DAY), LEASE, 1);
      await rotating.refreshed(claim!, { ...grant(clock.now()).tokens, refreshToken: claim!.refreshToken });
      expect((await rotating.summary()).sealedWith).toEqual({ k1: 10, k2: 1 });
      expect(await rotating.rotateKeys()).toBe(10);
      expect(await rotating.rotateKeys()).toBe(0);
      expect((await rotating.summary()).sealedWith).toEqual({ k2: 11 });

      // k1 is gone: every row opens with k2 alone, and every seller is still connected.
      const rotated = await open(k2);
      const renewed = sellers.find((seller) => seller.merchantId === claim!.merchantId)!;
      for (const seller of sellers.slice(1)) if (seller !== renewed) expect(await rotated.accessToken(seller.merchantId)).toBe(seller.tokens.accessToken);
      expect(await rotated.accessToken(renewed.merchantId)).toMatch(/^EAAAEMU/);
      expect((await rotated.summary()).sellers).toEqual({ CONNECTED: 11, REFRESH_FAILING: 0, DISCONNECTED: 1 });
      // A vault that lost the key its rows are sealed with says so, naming no key material.
      await expect(vault.accessToken(sellers[1]!.merchantId)).rejects.toThrow(/sealed with key "k2", which VAULT_KEYS does not hold/);
    });

    it('refuses tokens copied onto another seller, or altered', async () => {
      const { vault, location, clock } = await fresh();
      const [victim, thief, altered] = [grant(clock.now()), grant(clock.now()), grant(clock.now())];
      for (const seller of [victim, thief, altered]) await vault.connect(seller);
      await location.tamper(
        `UPDATE vault_sellers SET sealed_tokens = (SELECT sealed_tokens FROM vault_sellers WHERE merchant_id = '${victim.merchantId}')
         WHERE merchant_id = '${thief.merchantId}'`,
      );
      await expect(vault.accessToken(thief.merchantId)).rejects.toThrow(
        `The vault's tokens for ${thief.merchantId} do not open with key "k1": the key changed under that id, or the row was altered or belongs to another seller`,
      );
      await location.tamper(`UPDATE vault_sellers SET key_id = 'k0' WHERE merchant_id = '${altered.merchantId}'`);
      await expect(vault.accessToken(altered.merchantId)).rejects.toThrow(/sealed with key "k0", which VAULT_KEYS does not hold/);
      expect(await vault.accessToken(victim.merchantId)).toBe(victim.tokens.accessToken);
      // A rotation leaves what it cannot open as it is, and the summary names its key.
      expect(await vault.rotateKeys()).toBe(0);
      expect((await vault.summary()).sealedWith).toEqual({ k0: 1, k1: 2 });
    });

    it('records each connect flow once, whichever instance asks first, and forgets it once expired', async () => {
      const { vault, open, clock } = await fresh();
      const other = await open();
      const expires = () => new Date(clock.now().getTime() + 600_000);
      const flow = expires();
      expect(await vault.spendConnectFlow('flow-1', flow)).toBe(true);
      expect(await other.spendConnectFlow('flow-1', flow)).toBe(false);
      expect(await vault.spendConnectFlow('flow-1', flow)).toBe(false);
      const raced = await Promise.all([vault, other, vault, other].map((instance) => instance.spendConnectFlow('flow-2', flow)));
      expect(raced.filter(Boolean)).toHaveLength(1);
      // Past its date a flow's state is refused as expired, so its record is dropped with the next flow's.
      clock.advance(600_000);
      expect(await other.spendConnectFlow('flow-3', expires())).toBe(true);
      expect(await vault.spendConnectFlow('flow-1', expires())).toBe(true);
    });

    it('sets aside a due seller whose tokens do not open, and claims the rest', async () => {
      const { vault, location, clock } = await fresh();
      const [lost, fine] = [grant(clock.now()), grant(clock.now())];
      for (const seller of [lost, fine]) await vault.connect(seller);
      await location.tamper(`UPDATE vault_sellers SET key_id = 'k0' WHERE merchant_id = '${lost.merchantId}'`);
      const dueBefore = new Date(clock.now().getTime() + 31 * DAY);
      expect((await vault.claimDueRefreshes(dueBefore, LEASE, 10)).map((c) => c.merchantId)).toEqual([fine.merchantId]);
      expect(await vault.seller(lost.merchantId)).toMatchObject({
        status: 'REFRESH_FAILING',
        lastRefreshError: `The vault's tokens for ${lost.merchantId} are sealed with key "k0", which VAULT_KEYS does not hold`,
      });
      // An hour's wait for its key to come back, while the other's lapsed claim is taken again.
      clock.advance(LEASE);
      expect((await vault.claimDueRefreshes(dueBefore, LEASE, 10)).map((c) => c.merchantId)).toEqual([fine.merchantId]);
    });

    it('keeps no token at rest in clear, nor in base64 or hex', async () => {
      const { vault, location, clock } = await fresh();
      const sellers = Array.from({ length: 5 }, () => grant(clock.now()));
      for (const seller of sellers) await vault.connect(seller);
      const [claim] = await vault.claimDueRefreshes(new Date(clock.now().getTime() + 31 * DAY), LEASE, 1);
      const renewed = grant(clock.now()).tokens;
      await vault.refreshed(claim!, renewed);
      const atRest = await location.bytesAtRest();
      expect(atRest).toContain(sellers[0]!.merchantId);
      for (const token of [...sellers.flatMap((s) => [s.tokens.accessToken, s.tokens.refreshToken!]), renewed.accessToken, renewed.refreshToken!]) {
        for (const form of [token, Buffer.from(token).toString('base64'), Buffer.from(token).toString('base64url'), Buffer.from(token).toString('hex')]) {
          expect(atRest).not.toContain(form);
        }
        // Nor any long piece of it (a token split across pages would still show one).
        expect(atRest).not.toContain(token.slice(10, 30));
      }
    });
  });
}
