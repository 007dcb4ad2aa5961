import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/create-api-key.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'keys-create-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run keys:create -- …args`, as a shell would run it (no GATEWAY_API_KEYS_FILE unless given). */
async function keysCreate(args: string[], env: Record<string, string> = {}) {
  const { GATEWAY_API_KEYS_FILE: _ignored, ...rest } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', TSX, SCRIPT, ...args], { env: { ...rest, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const keyOf = (stdout: string) => stdout.match(/shown only now\): (gk_\S+)/)![1]!;

describe('npm run keys:create', () => {
  it('prints the key once and a keys file holding its entry, as the README shows', async () => {
    const { code, stdout } = await keysCreate(['web-frontend', 'CUSTOMERS_READ,PAYMENTS_READ']);
    expect(code).toBe(0);
    const file = stdout.match(/Keys file entry: (.*)/)![1]!;
    const ring = ApiKeyRing.parse(file, 'printed');
    expect(ring.find(keyOf(stdout))).toMatchObject({ name: 'web-frontend', scopes: new Set(['CUSTOMERS_READ', 'PAYMENTS_READ']), trustedDocumentsOnly: false });
  });

  it('adds a key with companions, trusted documents only, a budget and sellers to a keys file, keeping the keys there', async () => {
    const path = join(dir, 'keys.json');
    const existing = generateKey('existing', ['ORDERS_READ']);
    writeFileSync(path, JSON.stringify({ defaultBudget: { costPerSecond: 5, burst: 10 }, keys: [existing.entry] }));
    const { code, stdout, stderr } = await keysCreate(['partner', '--scopes', 'PAYMENTS_WRITE,ORDERS_READ', '--with-reads', '--trusted-documents-only', '--budget', '2000/50000', '--sellers', 'MLSELLERA, MLSELLERB'], {
      GATEWAY_API_KEYS_FILE: path,
    });
    expect(code, stderr).toBe(0);
    expect(stdout).not.toContain('sha256');
    const ring = ApiKeyRing.parse(readFileSync(path, 'utf8'), path);
    expect(ring.size).toBe(2);
    expect(ring.find(keyOf(stdout))).toMatchObject({
      name: 'partner',
      scopes: new Set(['PAYMENTS_READ', 'PAYMENTS_WRITE', 'ORDERS_READ']),
      trustedDocumentsOnly: true,
      budget: { costPerSecond: 2000, burst: 50000 },
      sellers: new Set(['MLSELLERA', 'MLSELLERB']),
    });
    expect(JSON.parse(readFileSync(path, 'utf8')).defaultBudget).toEqual({ costPerSecond: 5, burst: 10 });
  });

  it('makes a partner key for every connected seller, and refuses a seller that is no merchant id', async () => {
    const { code, stdout } = await keysCreate(['partner-all', '--scopes', 'CUSTOMERS_READ', '--sellers', '*']);
    expect(code).toBe(0);
    const ring = ApiKeyRing.parse(stdout.match(/Keys file entry: (.*)/)![1]!, 'printed');
    expect(ring.find(keyOf(stdout))).toMatchObject({ name: 'partner-all', sellers: '*' });
    const refused = await keysCreate(['x', '--scopes', 'ORDERS_READ', '--sellers', 'ML A']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--sellers takes '*' or Square merchant ids");
  });

  it('makes a documents key on request, shown once and kept as a hash, that registers documents for this key only', async () => {
    const path = join(dir, 'documents.json');
    const { code, stdout, stderr } = await keysCreate(['publisher', '--scopes', 'CUSTOMERS_READ', '--trusted-documents-only', '--documents-key', '--file', path]);
    expect(code, stderr).toBe(0);
    const documentsKey = stdout.match(/Documents key .*shown only now\): (gd_\S+)/)![1]!;
    const file = readFileSync(path, 'utf8');
    expect(file).not.toContain(documentsKey);
    const ring = ApiKeyRing.parse(file, path);
    expect(ring.findByDocumentsKey(documentsKey)).toEqual(ring.find(keyOf(stdout)));
    expect(ring.findByDocumentsKey(keyOf(stdout))).toBeUndefined();
    expect(ring.find(documentsKey)).toBeUndefined();
  });

  // Seven runs of the CLI, each loading every Square API's module to know its scopes: about 7 s each on a busy 2-core machine.
  it('refuses bad input with a usage line and leaves the keys file as it was', async () => {
    const path = join(dir, 'refused.json');
    const taken = generateKey('taken', ['ORDERS_READ']);
    writeFileSync(path, JSON.stringify({ keys: [taken.entry] }));
    const before = readFileSync(path, 'utf8');
    for (const [args, says] of [
      [[], 'a name is needed'],
      [['x'], 'at least one scope'],
      [['x', '--scopes', 'ORDERS_READ,NOPE'], 'unknown scopes: NOPE'],
      [['x', '--scopes', 'ORDERS_READ', '--budget', '10'], '--budget takes N/B'],
      [['x', '--scopes', 'ORDERS_READ', '--nope'], "Unknown option '--nope'"],
      [['taken', '--scopes', 'ORDERS_READ', '--file', path], 'already has a key named taken'],
    ] as const) {
      const { code, stderr } = await keysCreate([...args]);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain(says);
      expect(stderr).toContain('usage: npm run keys:create');
    }
    writeFileSync(join(dir, 'broken.json'), '{"keys": [');
    const broken = await keysCreate(['x', '--scopes', 'ORDERS_READ', '--file', join(dir, 'broken.json')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON');
    expect(readFileSync(path, 'utf8')).toBe(before);
  }, 120_000);
});
