import type { Plugin } from 'graphql-yoga';
import { SquareClient, SquareError } from 'square';
import type { VaultKeyRing } from '../vault/cipher.js';
import type { SellerTokens, SellerVault } from '../vault/types.js';
import { connectedPage, refusalPage, type Refusal } from './connect-pages.js';
import { CONNECT_CALLBACK_PATH, CONNECT_PATH } from './connect-paths.js';
import { ConnectStates, FLOW_LIFETIME_MS, type CheckedFlow } from './connect-state.js';
import { requestLogger, type CarriesLogger, type Logger } from './logger.js';
import type { SquareApplication } from '../square/application.js';

/** The Square application sellers connect to, and how the gateway proves it is that application. */
export interface SquareConnectOptions {
  /** The callback URL exactly as registered at Square; absent, the gateway's own address as the browser reached it (the demo). */
  redirectUrl?: string | undefined;
  /** The permissions asked of a seller, as Square names them. */
  scopes: readonly string[];
  /** A public client: the token exchange proves the flow with a PKCE verifier instead of the secret. */
  pkce?: boolean | undefined;
  /** The vault's keys (VAULT_KEYS): the flow's state is signed with keys derived from them. */
  keys: VaultKeyRing;
}

export interface ConnectRoutesOptions extends SquareConnectOptions {
  /** The application sellers authorize: a confidential client's secret, or none with `pkce`. */
  application: SquareApplication;
  vault: SellerVault;
  /** Square's base URL: its authorize page and OAuth API live there, as the emulator's do. */
  squareBaseUrl: string;
  timeoutInSeconds: number;
  logger: Logger;
}

type Exchanged =
  | { merchantId: string; tokens: SellerTokens }
  | { refusal: Refusal; why: string; status?: number | undefined; code?: string | undefined };

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // No script, no frame, no referrer: the callback's URL carries the authorization code.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
};

/** Relative to either route: both live under /oauth/square/, wherever a proxy mounts them. */
const START_AGAIN = 'connect';

/**
 * `GET /oauth/square/connect` sends a seller to Square's authorize page; `GET /oauth/square/callback`
 * takes Square's answer, exchanges the code for the seller's tokens and stores them in the vault.
 * Every way a callback can fail gets a page saying what happened, and stores nothing.
 */
export function connectRoutes(options: ConnectRoutesOptions): Plugin {
  const states = new ConnectStates(options.keys);
  const app = new SquareClient({ baseUrl: options.squareBaseUrl, maxRetries: 0, timeoutInSeconds: options.timeoutInSeconds });
  const redirectUrlFor = (url: URL) => options.redirectUrl ?? new URL(CONNECT_CALLBACK_PATH, url.origin).toString();

  const start = (url: URL): Response => {
    const redirectUrl = redirectUrlFor(url);
    const flow = states.start();
    const authorize = new URL('/oauth2/authorize', options.squareBaseUrl);
    authorize.search = new URLSearchParams({
      client_id: options.application.id,
      scope: options.scopes.join(' '),
      // The seller signs in to Square each time, so that a shared computer does not connect whoever was signed in last.
      session: 'false',
      state: flow.state,
      redirect_uri: redirectUrl,
      ...(options.pkce ? { code_challenge: flow.codeChallenge, code_challenge_method: 'S256' } : {}),
    }).toString();
    const cookie = cookieAttributes(redirectUrl, FLOW_LIFETIME_MS / 1000);
    return new Response(null, { status: 302, headers: { location: authorize.toString(), 'set-cookie': `${flow.cookieName}=${flow.cookieValue}; ${cookie}` } });
  };

  const complete = async (request: Request, url: URL, log: Logger): Promise<Response> => {
    const query = url.searchParams;
    const state = query.get('state') ?? undefined;
    const redirectUrl = redirectUrlFor(url);
    const cookieName = state && states.cookieName(state);
    // Whatever the outcome, this flow's cookie has served.
    const headers: Record<string, string> = cookieName ? { 'set-cookie': `${cookieName}=; ${cookieAttributes(redirectUrl, 0)}` } : {};
    const refuse = (refusal: Refusal) => htmlResponse(refusal.status, refusalPage(refusal, START_AGAIN), headers);

    const error = query.get('error');
    if (error !== null) return refuse(squareRefusal(error, query.get('error_description')));
    const flow = states.check(state, cookieName ? cookieOf(request, cookieName) : undefined);
    if (!flow.ok) return refuse(STATE_REFUSALS[flow.problem]);
    const firstUse = await options.vault.spendConnectFlow(flow.id, flow.expiresAt).catch((failure: unknown) => {
      log.error({ err: failure }, 'a seller connection failed: the vault could not record its flow');
      return undefined;
    });
    if (firstUse === undefined) return refuse(VAULT_UNAVAILABLE);
    if (!firstUse) return refuse(REPLAYED);
    const code = query.get('code');
    if (!code) return refuse(NO_CODE);

    const granted = await exchange(code, redirectUrl, flow);
    if ('refusal' in granted) {
      log.warn({ squareStatus: granted.status, squareCode: granted.code }, `a seller connection failed: ${granted.why}`);
      return refuse(granted.refusal);
    }
    const { tokens, merchantId } = granted;
    const seller = new SquareClient({ token: tokens.accessToken, baseUrl: options.squareBaseUrl, maxRetries: 0, timeoutInSeconds: options.timeoutInSeconds });
    const [businessName, scopes = options.scopes] = await Promise.all([businessNameOf(seller), grantedScopes(seller)]);
    try {
      await options.vault.connect({ merchantId, businessName, scopes, tokens });
    } catch (failure) {
      log.error({ err: failure, merchantId }, 'a seller connection failed: the vault could not store it');
      return refuse(NOT_STORED);
    }
    log.info({ merchantId }, 'seller connected');
    return htmlResponse(200, connectedPage({ merchantId, businessName, scopes }), headers);
  };

  async function exchange(code: string, redirectUrl: string, flow: Extract<CheckedFlow, { ok: true }>): Promise<Exchanged> {
    try {
      const answer = await app.oAuth.obtainToken({
        clientId: options.application.id,
        grantType: 'authorization_code',
        code,
        redirectUri: redirectUrl,
        ...(options.pkce ? { codeVerifier: flow.codeVerifier } : { clientSecret: options.application.secret }),
      });
      const { accessToken, refreshToken, expiresAt, merchantId } = answer;
      if (!accessToken || !expiresAt || !merchantId) return { refusal: UNREACHABLE, why: "Square's token answer lacks the access token, its expiry or the merchant" };
      return { merchantId, tokens: { accessToken, refreshToken: refreshToken ?? undefined, expiresAt } };
    } catch (failure) {
      // Only Square's status and error code are kept: its message could echo what was sent.
      const status = failure instanceof SquareError ? failure.statusCode : undefined;
      const code = failure instanceof SquareError ? failure.errors[0]?.code : undefined;
      if (status === undefined || status >= 500) return { refusal: UNREACHABLE, why: 'Square did not answer the token exchange', status, code };
      return { refusal: codeRefused(status, code), why: 'Square did not take the authorization code', status, code };
    }
  }

  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (request.method !== 'GET') return;
      if (url.pathname === CONNECT_PATH) return endResponse(start(url));
      if (url.pathname === CONNECT_CALLBACK_PATH) endResponse(await complete(request, url, requestLogger(serverContext as CarriesLogger, options.logger)));
    },
  };
}

/** The seller's business name (MERCHANT_PROFILE_READ); null when the grant does not let it be read or Square does not answer. */
async function businessNameOf(seller: SquareClient): Promise<string | null> {
  try {
    return (await seller.merchants.get({ merchantId: 'me' })).merchant?.businessName ?? null;
  } catch {
    return null;
  }
}

/** What the seller granted, as Square records it; undefined when Square does not say (it grants all that was asked or nothing). */
async function grantedScopes(seller: SquareClient): Promise<string[] | undefined> {
  try {
    return (await seller.oAuth.retrieveTokenStatus()).scopes;
  } catch {
    return undefined;
  }
}

/** The flow's cookie lives only as long as the flow and goes only to the callback, never to a script or another site's request. */
function cookieAttributes(redirectUrl: string, maxAgeSeconds: number): string {
  const url = new URL(redirectUrl);
  return `Path=${url.pathname}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${url.protocol === 'https:' ? '; Secure' : ''}`;
}

function cookieOf(request: Request, name: string): string | undefined {
  for (const pair of (request.headers.get('cookie') ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

function htmlResponse(status: number, body: string, headers: Record<string, string>): Response {
  return new Response(body, { status, headers: { ...HTML_HEADERS, ...headers } });
}

function squareRefusal(error: string, description: string | null): Refusal {
  if (error === 'access_denied') {
    return {
      status: 403,
      title: 'The seller declined',
      explanation: "The seller chose Deny on Square's authorization page, so Square gave no access to the business.",
      startAgain: true,
    };
  }
  return {
    status: 400,
    title: 'Square did not authorize the connection',
    explanation: `Square's authorization page answered "${error}"${description ? ` (${description})` : ''} instead of an authorization.`,
    startAgain: true,
  };
}

const STATE_REFUSALS: Record<Extract<CheckedFlow, { ok: false }>['problem'], Refusal> = {
  malformed: {
    status: 400,
    title: 'This is not a connection link',
    explanation:
      "This page finishes a connection that Square's authorization page sends back, and this request does not carry one. Connecting a seller starts at the gateway's connect link.",
    startAgain: true,
  },
  'no-cookie': {
    status: 403,
    title: 'No connection under way in this browser',
    explanation:
      'The gateway completes a connection only in the browser that started it, and this browser holds none under way (its cookie is missing): the link was opened in another browser or a private window, the browser blocks cookies, or the connection was finished already and this page reloaded.',
    startAgain: true,
  },
  mismatch: {
    status: 403,
    title: 'This connection belongs to another browser',
    explanation:
      "The state Square sent back does not match the connection this browser started, so the authorization may have been meant for someone else's connection.",
    startAgain: true,
  },
  expired: {
    status: 400,
    title: 'This connection expired',
    explanation: 'More than 10 minutes passed between starting the connection and coming back from Square.',
    startAgain: true,
  },
};

const REPLAYED: Refusal = {
  status: 403,
  title: 'This connection was completed already',
  explanation: "Each answer from Square's authorization page completes one connection, once; this one has been used before (the page was reloaded or opened again).",
  startAgain: true,
};

const NO_CODE: Refusal = {
  status: 400,
  title: 'Square sent no authorization code',
  explanation: "Square's answer carries neither an authorization code nor an error.",
  startAgain: true,
};

const UNREACHABLE: Refusal = {
  status: 502,
  title: 'Square could not be reached',
  explanation: "The gateway could not exchange the seller's authorization with Square: Square did not answer, or answered with an error of its own.",
  startAgain: true,
};

const VAULT_UNAVAILABLE: Refusal = {
  status: 503,
  title: 'The seller vault is unavailable',
  explanation: "The gateway could not reach its seller vault to record this connection, so it did not ask Square for the seller's tokens.",
  startAgain: true,
};

const NOT_STORED: Refusal = {
  status: 503,
  title: 'The connection could not be stored',
  explanation: "Square authorized the connection, but the gateway's seller vault could not store it.",
  startAgain: true,
};

function codeRefused(status: number, code: string | undefined): Refusal {
  return {
    status: 400,
    title: 'Square refused the authorization code',
    explanation: `Square did not accept the authorization code (it answered ${status}${code ? ` ${code}` : ''}): a code works once, within 5 minutes of the seller's consent, for the application and the redirect URL it was given to.`,
    startAgain: true,
  };
}
