import { GraphQLError } from 'graphql';
import type { ConnectedSellers } from '../../context/connected-sellers.js';
import type { GatewayContext } from '../../context/gateway-context.js';
import { builder } from '../../schema/builder.js';
import { SellerDisconnectReason, SellerStatus } from './enums.js';
import { ConnectedSellerRef } from './refs.js';

/** The connected sellers the caller manages; FORBIDDEN for a caller that acts for the gateway's own seller only. */
export function partnerSellers(ctx: GatewayContext): ConnectedSellers {
  if (ctx.sellers) return ctx.sellers;
  throw new GraphQLError('Only a partner API key (a key with "sellers" in the keys file) sees and disconnects connected sellers.', {
    extensions: { code: 'FORBIDDEN' },
  });
}

ConnectedSellerRef.implement({
  description:
    'A seller who connected to the gateway through Square OAuth (Square’s merchant): a partner acts for it by sending its merchantId as the X-Square-Merchant-Id header. Its tokens are never shown.',
  fields: (t) => ({
    merchantId: t.exposeString('merchantId', { nullable: false, description: 'Square’s id of the seller: what the X-Square-Merchant-Id header takes.' }),
    businessName: t.exposeString('businessName', { nullable: true, description: 'The seller’s business name, as Square had it when it connected.' }),
    status: t.field({ type: SellerStatus, nullable: false, description: 'Whether the gateway can act for it.', resolve: (s) => s.status }),
    scopes: t.exposeStringList('scopes', { nullable: false, description: 'The permissions the seller granted, as Square names them (e.g. CUSTOMERS_READ).' }),
    connectedAt: t.field({ type: 'DateTime', nullable: false, description: 'When the seller last connected (authorized the application).', resolve: (s) => s.connectedAt }),
    accessTokenExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the access token the gateway holds expires, unless renewed before (Square’s expire after 30 days); null once disconnected.',
      resolve: (s) => s.accessTokenExpiresAt,
    }),
    lastRefreshedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the access token was last renewed; null before its first renewal.', resolve: (s) => s.lastRefreshedAt }),
    refreshFailures: t.exposeInt('refreshFailures', { nullable: false, description: 'Renewals that failed in a row since the last one that worked.' }),
    lastRefreshError: t.exposeString('lastRefreshError', {
      nullable: true,
      description: 'What the last failed renewal answered (Square’s error code and detail); null once one worked.',
    }),
    disconnectedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the seller was disconnected; null while connected.', resolve: (s) => s.disconnectedAt }),
    disconnectReason: t.field({ type: SellerDisconnectReason, nullable: true, description: 'Why the seller was disconnected; null while connected.', resolve: (s) => s.disconnectReason }),
  }),
});

builder.queryField('sellers', (t) =>
  t.field({
    type: [ConnectedSellerRef],
    nullable: true,
    description:
      'The sellers connected through Square OAuth that the partner API key may act for (all of them without API keys), disconnected ones too, by merchant id. Other keys get FORBIDDEN.',
    resolve: (_root, _args, ctx) => partnerSellers(ctx).list(),
  }),
);
