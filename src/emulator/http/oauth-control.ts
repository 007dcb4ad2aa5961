import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import {
  DEMO_APPLICATION,
  application,
  authorizableMerchant,
  checkAuthorizeRequest,
  defaultSellerId,
  demoSellers,
  grantCode,
  redirectWith,
  revokeAuthorization,
} from '../domain/oauth.js';
import { errors } from '../plumbing/errors.js';
import { parse } from '../plumbing/validation.js';

const grantBody = z.object({
  client_id: z.string().min(1),
  scopes: z.array(z.string().min(1)).min(1),
  redirect_uri: z.string().min(1),
  state: z.string().optional(),
  merchant_id: z.string().min(1).optional(),
  code_challenge: z.string().min(1).optional(),
  code_challenge_method: z.string().optional(),
});

const sellerBody = z.object({ client_id: z.string().min(1), merchant_id: z.string().min(1) });

/**
 * `/_emulator/oauth…`: what a seller does on Square's pages, without a browser: grant an application access
 * (as Allow on the authorize page does), and revoke it from the seller's side (as the Seller Dashboard does).
 */
export function registerOAuthControl(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/_emulator/oauth', async () => ({
    application: { client_id: DEMO_APPLICATION.clientId, client_secret: DEMO_APPLICATION.secret, name: DEMO_APPLICATION.name },
    sellers: demoSellers(ctx).map((seller) => ({ merchant_id: seller.merchantId, business_name: seller.businessName })),
  }));

  app.post('/_emulator/oauth/authorizations', async (request) => {
    const body = parse(grantBody, request.body);
    const checked = checkAuthorizeRequest({ ...body, scope: body.scopes.join(' ') });
    if ('problem' in checked) throw errors.badRequest(checked.problem);
    const merchantId = body.merchant_id ?? defaultSellerId();
    if (!authorizableMerchant(ctx, merchantId)) throw errors.notFound(`Merchant \`${merchantId}\` not found.`, 'merchant_id');
    const code = grantCode(ctx, { ...checked.grant, merchantId });
    return { redirect_url: redirectWith(checked.grant.redirectUri, { code, state: body.state }) };
  });

  app.delete('/_emulator/oauth/authorizations', async (request) => {
    const body = parse(sellerBody, request.body);
    if (!application(body.client_id)) throw errors.notFound(`Unknown client_id \`${body.client_id}\`.`, 'client_id');
    if (!ctx.tx(() => revokeAuthorization(ctx, body.client_id, body.merchant_id, 'MERCHANT')))
      throw errors.notFound(`Merchant \`${body.merchant_id}\` has not authorized \`${body.client_id}\`.`, 'merchant_id');
    return {};
  });
}
