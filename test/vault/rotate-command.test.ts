import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteVaultLocation, testClock, vaultKey } from '../support/vaults.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/rotate-vault-keys.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** `npm run vault:rotate` with the gateway's configuration in `env`, as an operator would run it. */
async function rotate(env: Record<string, string>) {
  const { DATABASE_URL: _postgres, VAULT_KEYS: _keys, GATEWAY_DB: _db, ...rest } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', TSX, SCRIPT], { env: { ...rest, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run vault:rotate', () => {
  const location = sqliteVaultLocation();
  afterEach(() => location.drop());

  it('re-seals every seller with the new key and says the old one may go', async () => {
    const [k1, k2] = [vaultKey('k1'), vaultKey('k2')];
    const clock = testClock();
    const vault = await location.open(k1, clock.now);
    const tokens = { accessToken: 'EAAAEMU-rotate-me', refreshToken: 'EQAAEMU-rotate-me', expiresAt: '2099-01-01T00:00:00Z' };
    for (const merchantId of ['MROTATE1', 'MROTATE2']) await vault.connect({ merchantId, businessName: null, scopes: ['PAYMENTS_READ'], tokens });
    await vault.close();

    const { code, stdout } = await rotate({ GATEWAY_DB: location.path, VAULT_KEYS: `${k2},${k1}` });
    expect(code).toBe(0);
    expect(stdout).toBe(`Re-sealed 2 seller(s)' tokens with key "k2".\nEvery seller's tokens are sealed with "k2": the other keys may leave VAULT_KEYS.\n`);
    const rotated = await location.open(k2, clock.now);
    expect(await rotated.accessToken('MROTATE2')).toBe('EAAAEMU-rotate-me');
    await rotated.close();
  });

  it('says what is missing, naming no key material', async () => {
    expect(await rotate({ GATEWAY_DB: location.path })).toMatchObject({ code: 1, stderr: expect.stringContaining('VAULT_KEYS is not set') });
    const short = `k1:${Buffer.alloc(16, 7).toString('base64')}`;
    const { code, stderr } = await rotate({ GATEWAY_DB: location.path, VAULT_KEYS: short });
    expect(code).toBe(1);
    expect(stderr).toContain('VAULT_KEYS entry 1 ("k1") must be 32 random bytes in base64');
    expect(stderr).not.toContain(short.slice(3));
  });
});
