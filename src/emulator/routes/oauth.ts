import type { FastifyInstance, FastifyReply } from 'fastify';
import { serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import {
  application,
  checkAuthorizeRequest,
  demoSellers,
  grantCode,
  obtainToken,
  redirectWith,
  revokeToken,
  tokenStatus,
  type AuthorizeParams,
} from '../domain/oauth.js';
import { bearerToken } from '../plumbing/bearer-token.js';
import { errors } from '../plumbing/errors.js';
import { parseRequest, type FieldRules } from '../plumbing/validation.js';
import type { ResponseSchemaName, RouteKey } from './endpoints.js';
import { authorizeErrorPage, authorizePage } from './oauth-page.js';

/** ObtainTokenRequest's bounds from Square's spec, which the SDK's schema does not carry. */
const TOKEN_RULES: FieldRules = {
  client_id: { max: 191 },
  client_secret: { min: 2, max: 1024 },
  code: { max: 191 },
  redirect_uri: { max: 2048 },
  grant_type: { min: 10, max: 20 },
  refresh_token: { min: 2, max: 1024 },
  migration_token: { min: 2, max: 1024 },
};

const REVOKE_RULES: FieldRules = { client_id: { max: 191 }, access_token: { min: 2, max: 1024 } };

/**
 * The SDK's schema of each OAuth API answer (routes/endpoints.ts). These are the application's calls, made
 * with its secret rather than a seller's token: they need no permission. The authorize page answers HTML.
 */
export const OAUTH_RESPONSES: Readonly<Record<RouteKey, ResponseSchemaName>> = {
  'POST /token': 'ObtainTokenResponse',
  'POST /token/status': 'RetrieveTokenStatusResponse',
  'POST /revoke': 'RevokeTokenResponse',
};

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

/**
 * OAuth API and Square's authorize page: codes that work once within 5 minutes, 30-day access tokens, code-flow
 * refresh tokens that never expire and come back unchanged, PKCE (S256) refresh tokens that are single-use,
 * last 90 days and are replaced on each refresh (the OAuth API overview and ObtainToken's reference).
 */
export function registerOAuth(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Querystring: AuthorizeParams }>('/authorize', async (request, reply) => {
    const checked = checkAuthorizeRequest(request.query);
    if ('problem' in checked) return html(reply, 400, authorizeErrorPage(checked.problem));
    const { grant } = checked;
    return html(
      reply,
      200,
      authorizePage({
        applicationName: application(grant.clientId)!.name,
        sellers: demoSellers(ctx),
        scopes: grant.scopes,
        locale: request.query.locale ?? 'en-US',
        signInAgain: request.query.session === 'false',
        hidden: {
          client_id: grant.clientId,
          scope: grant.scopes.join(' '),
          state: request.query.state,
          redirect_uri: grant.redirectUri,
          code_challenge: grant.codeChallenge,
        },
      }),
    );
  });

  // The page's form: Allow redirects with a code, Deny with Square's access_denied; `state` comes back either way.
  app.post<{ Body: AuthorizeParams }>('/authorize', async (request, reply) => {
    const params = request.body ?? {};
    const checked = checkAuthorizeRequest(params);
    if ('problem' in checked) return html(reply, 400, authorizeErrorPage(checked.problem));
    const { grant } = checked;
    if (params.decision !== 'allow') {
      return reply.redirect(redirectWith(grant.redirectUri, { error: 'access_denied', error_description: 'user_denied', state: params.state }), 302);
    }
    const seller = demoSellers(ctx).find((s) => s.merchantId === params.merchant_id);
    if (!seller) return html(reply, 400, authorizeErrorPage('Choose one of the sellers on the page.'));
    const code = grantCode(ctx, { ...grant, merchantId: seller.merchantId });
    return reply.redirect(redirectWith(grant.redirectUri, { code, state: params.state }), 302);
  });

  app.post('/token', async (request) => {
    const answer = obtainToken(ctx, parseRequest(serialization.ObtainTokenRequest, request.body, TOKEN_RULES));
    // The request log names the seller the tokens act for, so that a test can count renewals per seller.
    request.merchant = { id: answer.merchant_id!, token: answer.access_token! };
    return answer;
  });

  app.post('/revoke', async (request) => {
    const secret = /^Client\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    return revokeToken(ctx, secret, parseRequest(serialization.RevokeTokenRequest, request.body, REVOKE_RULES));
  });

  app.post('/token/status', async (request) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw errors.unauthorized();
    return tokenStatus(ctx, token);
  });
}
