import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { VaultKeyRing } from '../vault/cipher.js';

/**
 * The state of a seller's connect flow, kept by no instance: the browser holds a random
 * secret in an HttpOnly cookie, the `state` Square carries through its authorize page is
 * signed over that secret (so it proves this browser started the flow, and reveals nothing
 * of the cookie), and the PKCE verifier is derived from both, so any instance of a fleet
 * sharing the keys can complete a flow another began. Single use is recorded in the vault (spendConnectFlow).
 */

/** How long a seller has to get through Square's page: Square's codes last 5 minutes; signing in may take longer. */
export const FLOW_LIFETIME_MS = 10 * 60_000;

export interface StartedFlow {
  /** Goes to Square as `state` and comes back on the callback. */
  state: string;
  /** The cookie's name (one per flow, so that two tabs connecting two sellers do not meet) and value. */
  cookieName: string;
  cookieValue: string;
  /** base64url(SHA-256(verifier)), for Square's `code_challenge`. */
  codeChallenge: string;
}

export type CheckedFlow =
  | { ok: true; id: string; expiresAt: Date; codeVerifier: string }
  | { ok: false; problem: 'malformed' | 'no-cookie' | 'mismatch' | 'expired' };

const COOKIE_PREFIX = 'square_connect_';
const b64 = (bytes: Buffer) => bytes.toString('base64url');

/** Signs and verifies flow states with keys derived from the vault's, newest first: a flow begun before a key rotation still completes. */
export class ConnectStates {
  private readonly keys: Buffer[];

  constructor(vaultKeys: VaultKeyRing) {
    this.keys = vaultKeys.derivedKeys('connect-state');
  }

  start(now = Date.now()): StartedFlow {
    const id = b64(randomBytes(12));
    const secret = b64(randomBytes(32));
    const expires = Math.floor((now + FLOW_LIFETIME_MS) / 1000);
    const key = this.keys[0]!;
    return {
      state: `${id}.${expires}.${mac(key, id, expires, secret)}`,
      cookieName: COOKIE_PREFIX + id,
      cookieValue: secret,
      codeChallenge: createHash('sha256').update(verifier(key, id, secret)).digest('base64url'),
    };
  }

  /** The cookie a callback's `state` names: its flow's. */
  cookieName(state: string): string | undefined {
    const id = /^([\w-]{16})\.\d{1,12}\.[\w-]{43}$/.exec(state)?.[1];
    return id && COOKIE_PREFIX + id;
  }

  /** Whether `state` came from this browser's flow (`secret`, its cookie), signed by one of the keys and not expired. */
  check(state: string | undefined, secret: string | undefined, now = Date.now()): CheckedFlow {
    const parts = state && this.cookieName(state) ? state.split('.') : undefined;
    if (!parts) return { ok: false, problem: 'malformed' };
    const [id, expiresText, signature] = parts as [string, string, string];
    if (!secret) return { ok: false, problem: 'no-cookie' };
    const expires = Number(expiresText);
    const given = Buffer.from(signature);
    const key = this.keys.find((candidate) => timingSafeEqual(Buffer.from(mac(candidate, id, expires, secret)), given));
    if (!key) return { ok: false, problem: 'mismatch' };
    if (now >= expires * 1000) return { ok: false, problem: 'expired' };
    return { ok: true, id, expiresAt: new Date(expires * 1000), codeVerifier: verifier(key, id, secret) };
  }
}

const mac = (key: Buffer, id: string, expires: number, secret: string) => b64(createHmac('sha256', key).update(`state.${id}.${expires}.${secret}`).digest());

/** 43 characters of [A-Za-z0-9_-]: a PKCE code_verifier as RFC 7636 wants it. */
const verifier = (key: Buffer, id: string, secret: string) => b64(createHmac('sha256', key).update(`pkce.${id}.${secret}`).digest());
