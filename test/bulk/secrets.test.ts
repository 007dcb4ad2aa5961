import { describe, expect, it } from 'vitest';
import { BulkSecrets, URL_LIFETIME_MS } from '../../src/bulk/secrets.js';

const SECRET = 'a bulk secret of at least thirty-two characters';

describe('a bulk operation’s secrets', () => {
  const secrets = new BulkSecrets(SECRET);
  const id = '6b0f3c52-0000-4000-8000-000000000000';
  const signed = (query: string) => new URLSearchParams(query);

  it('signs a file’s URL for a while: its own file only, and not once expired', () => {
    const now = Date.parse('2026-03-01T00:00:00Z');
    const query = signed(secrets.sign(id, false, now + URL_LIFETIME_MS));
    expect(secrets.verify(id, false, query, now)).toBe(true);
    // Every instance with the same secret agrees.
    expect(new BulkSecrets(SECRET).verify(id, false, query, now)).toBe(true);
    expect(secrets.verify(id, false, query, now + URL_LIFETIME_MS + 1_000)).toBe(false);
    expect(secrets.verify(id, true, query, now)).toBe(false);
    expect(secrets.verify('6b0f3c52-0000-4000-8000-000000000001', false, query, now)).toBe(false);
    expect(new BulkSecrets(`${SECRET}!`).verify(id, false, query, now)).toBe(false);
    const later = new URLSearchParams(query);
    later.set('expires', String(Number(query.get('expires')) + 3600));
    expect(secrets.verify(id, false, later, now)).toBe(false);
    expect(secrets.verify(id, false, new URLSearchParams(), now)).toBe(false);
  });

  it('seals a token at rest, which only the same secret unseals', () => {
    const sealed = secrets.seal('EAAA-seller-token');
    expect(sealed).not.toContain('EAAA-seller-token');
    expect(secrets.seal('EAAA-seller-token')).not.toBe(sealed);
    expect(new BulkSecrets(SECRET).unseal(sealed)).toBe('EAAA-seller-token');
    expect(BulkSecrets.ephemeral().unseal(sealed)).toBeUndefined();
    expect(secrets.unseal(`${sealed.slice(0, -2)}AA`)).toBeUndefined();
    expect(secrets.unseal('not sealed')).toBeUndefined();
  });
});
