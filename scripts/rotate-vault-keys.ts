import { DEFAULT_GATEWAY_DB, gatewayConfig } from '../src/gateway/config.js';
import { exitWith, readConfig } from '../src/startup.js';
import { openVault } from '../src/vault/index.js';

/**
 * `npm run vault:rotate`: re-seals every connected seller's tokens with the first key of
 * VAULT_KEYS, in the vault the gateway's configuration names (DATABASE_URL, or GATEWAY_DB), and
 * says which keys still seal any seller's tokens: an older key may leave VAULT_KEYS once none
 * does. Gateways re-seal at each start and at each renewal too; this is for knowing when it is done.
 */
const { config } = readConfig({ config: () => gatewayConfig(process.env) });
const keys = config.vaultKeys ?? exitWith('VAULT_KEYS is not set: give the keys the gateway runs with, the new one first.');
const where = config.databaseUrl ? 'DATABASE_URL' : 'GATEWAY_DB';
const vault = await openVault({ databaseUrl: config.databaseUrl, sqlitePath: config.gatewayDb ?? DEFAULT_GATEWAY_DB, keys }).catch((error: Error) =>
  exitWith(`The seller vault could not be opened (${where}): ${error.message}`),
);
try {
  const resealed = await vault.rotateKeys();
  const { sealedWith } = await vault.summary();
  const older = Object.entries(sealedWith).filter(([keyId]) => keyId !== keys.currentKeyId);
  console.log(`Re-sealed ${resealed} seller(s)' tokens with key "${keys.currentKeyId}".`);
  console.log(
    older.length === 0
      ? `Every seller's tokens are sealed with "${keys.currentKeyId}": the other keys may leave VAULT_KEYS.`
      : `Still sealed with older keys (an instance running without "${keys.currentKeyId}" wrote them): ${older.map(([id, n]) => `"${id}" ${n}`).join(', ')}. Run this again once every instance has the new VAULT_KEYS.`,
  );
} catch (error) {
  exitWith(`The seller vault could not be rotated: ${(error as Error).message}`);
} finally {
  await vault.close();
}
