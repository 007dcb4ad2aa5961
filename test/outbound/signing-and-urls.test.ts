import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { poster } from '../../src/outbound/post.js';
import { newSecret, signatureHeader, verifySignature } from '../../src/outbound/signature.js';
import { addressRefusal, callbackUrlRefusal } from '../../src/outbound/url-guard.js';

const body = JSON.stringify({ id: 'whev_1', topic: 'PAYMENT_UPDATED', data: { squareId: 'P1' } });
const now = 1_700_000_000;

/** The README's verification snippet, run as a partner would paste it. */
function readmeVerifier(): (secret: string, header: string, body: string) => boolean {
  const readme = readFileSync('README.md', 'utf8');
  const block = /```js\n(import \{ createHmac, timingSafeEqual \} from 'node:crypto';\n[\s\S]*?function verifyGatewaySignature[\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('the README has no verification snippet');
  const code = block.replace(/^import .*\n/, '');
  return new Function('createHmac', 'timingSafeEqual', 'Buffer', `${code}\nreturn verifyGatewaySignature;`)(createHmac, timingSafeEqual, Buffer) as never;
}

describe('delivery signatures (timestamp and body, HMAC-SHA256)', () => {
  const secret = newSecret();

  it('verifies a delivery signed with the secret, and not with another', () => {
    const header = signatureHeader([secret], now, body);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, header, body, { nowSeconds: now })).toBe(true);
    expect(verifySignature(newSecret(), header, body, { nowSeconds: now })).toBe(false);
    expect(verifySignature(secret, header, `${body} `, { nowSeconds: now })).toBe(false);
    expect(verifySignature(secret, null, body, { nowSeconds: now })).toBe(false);
  });

  it('refuses a timestamp more than 5 minutes off: a delivery replayed later fails', () => {
    const header = signatureHeader([secret], now, body);
    expect(verifySignature(secret, header, body, { nowSeconds: now + 300 })).toBe(true);
    expect(verifySignature(secret, header, body, { nowSeconds: now + 301 })).toBe(false);
    const moved = header.replace('t=1700000000', `t=${now + 1000}`);
    expect(verifySignature(secret, moved, body, { nowSeconds: now + 1000 })).toBe(false);
  });

  it('verifies with either secret while a rotation signs with both', () => {
    const rotated = newSecret();
    const header = signatureHeader([rotated, secret], now, body);
    expect(verifySignature(secret, header, body, { nowSeconds: now })).toBe(true);
    expect(verifySignature(rotated, header, body, { nowSeconds: now })).toBe(true);
    expect(verifySignature(secret, signatureHeader([rotated], now, body), body, { nowSeconds: now })).toBe(false);
  });

  it('is what the README’s snippet checks', () => {
    const verify = readmeVerifier();
    const fresh = Math.floor(Date.now() / 1000);
    expect(verify(secret, signatureHeader([secret], fresh, body), body)).toBe(true);
    expect(verify(newSecret(), signatureHeader([secret], fresh, body), body)).toBe(false);
    expect(verify(secret, signatureHeader([secret], fresh - 3600, body), body)).toBe(false);
  });
});

describe('callback URLs (SSRF)', () => {
  it('takes public https only, by default', () => {
    expect(callbackUrlRefusal('public', 'https://hooks.example.com/square')).toBeUndefined();
    for (const url of [
      'http://hooks.example.com/',
      'https://127.0.0.1/',
      'https://localhost/',
      'https://10.1.2.3/',
      'https://192.168.0.10/',
      'https://172.20.0.1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/',
      'https://[fe80::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://user:secret@hooks.example.com/',
      'ftp://hooks.example.com/',
    ]) {
      expect(callbackUrlRefusal('public', url), url).toBeDefined();
    }
  });

  it('takes the deployment’s network or this machine when allowed, never a metadata address', () => {
    expect(callbackUrlRefusal('private', 'http://10.1.2.3:8080/hooks')).toBeUndefined();
    expect(callbackUrlRefusal('loopback', 'http://127.0.0.1:8080/hooks')).toBeUndefined();
    expect(callbackUrlRefusal('loopback', 'http://10.1.2.3/hooks')).toBeDefined();
    for (const policy of ['public', 'private', 'loopback'] as const) {
      expect(addressRefusal(policy, '169.254.169.254'), policy).toMatch(/metadata/);
      expect(addressRefusal(policy, 'fd00:ec2::254'), policy).toBeDefined();
    }
  });

  it('checks the address a name resolves to at each delivery: a name pointing at a refused address gets no request', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const strict = poster({ policy: 'public', timeoutMs: 2_000 });
    const loose = poster({ policy: 'loopback', timeoutMs: 2_000 });
    try {
      const refused = await strict.post(`http://localhost:${port}/`, {}, '{}');
      expect(refused).toMatchObject({ ok: false, statusCode: null });
      expect(refused.error).toMatch(/^Refused: localhost resolves to a refused address/);
      expect(requests).toBe(0);
      expect(await loose.post(`http://localhost:${port}/`, {}, '{}')).toMatchObject({ ok: true, statusCode: 200, responseBody: 'ok' });
      expect(requests).toBe(1);
    } finally {
      await strict.close();
      await loose.close();
      server.close();
    }
  });
});
