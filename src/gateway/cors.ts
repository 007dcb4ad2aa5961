import type { YogaServerOptions } from 'graphql-yoga';

type CorsOption = NonNullable<YogaServerOptions<Record<string, unknown>, Record<string, unknown>>['cors']>;

/** Which web pages may call the gateway from a browser. Without a policy, none on another origin. */
export interface CorsPolicy {
  /** Exact origins (`https://app.example.com`), or `*`: any origin, never with credentials. */
  origins: readonly string[] | '*';
  /** Also every http(s) origin on this machine: the demo's GraphiQL and a local frontend. */
  loopback?: boolean | undefined;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return /^https?:$/.test(url.protocol) && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * yoga's `cors` option for a policy. yoga by default reflects any origin with
 * credentials; here an origin outside the policy gets no CORS headers at all, an allowed
 * one gets itself (never `*`) back, and `*` is answered without credentials.
 */
export function corsOption(policy: CorsPolicy | undefined): CorsOption {
  return (request) => {
    const origin = request.headers.get('origin');
    if (!origin || !policy) return false;
    const methods = ['GET', 'POST'];
    if ((policy.loopback && isLoopback(origin)) || (policy.origins !== '*' && policy.origins.includes(origin))) {
      return { origin: [origin], methods, credentials: true };
    }
    return policy.origins === '*' ? { origin: [origin], methods, credentials: false } : false;
  };
}

/** CORS_ORIGINS: `*`, or comma-separated origins (scheme, host and port only). */
export function corsOrigins(raw: string | undefined): readonly string[] | '*' {
  if (!raw?.trim()) return [];
  if (raw.trim() === '*') return '*';
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new Error(`CORS_ORIGINS must be "*" or comma-separated origins such as https://app.example.com (no path, no trailing slash), got "${origin}"`);
    }
    return origin;
  });
}
