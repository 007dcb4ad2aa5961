import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { Currency } from '../../schema/enums.js';
import { MerchantStatus } from './enums.js';
import { LocationRef } from '../locations/refs.js';

const MerchantRef = builder.objectRef<Square.Merchant>('Merchant');

MerchantRef.implement({
  authScopes: { MERCHANT_PROFILE_READ: true },
  description: 'The seller whose Square account the gateway reads: its business name, country, language and currency.',
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s id of the seller (merchant id).', resolve: (m) => m.id ?? '' }),
    businessName: t.string({ nullable: true, description: 'The business name the seller registered with Square.', resolve: (m) => m.businessName ?? null }),
    country: t.string({ nullable: false, description: 'The seller’s country as an ISO 3166-1 alpha-2 code, e.g. US.', resolve: (m) => m.country }),
    languageCode: t.string({ nullable: true, description: 'The seller’s language as a BCP 47 tag, e.g. en-US.', resolve: (m) => m.languageCode ?? null }),
    currency: t.field({ type: Currency, nullable: true, description: 'The seller’s home currency.', resolve: (m) => m.currency ?? null }),
    status: t.field({ type: MerchantStatus, nullable: true, description: 'Whether the seller’s account is active.', resolve: (m) => m.status ?? null }),
    mainLocation: t.field({
      type: LocationRef,
      nullable: true,
      description: 'The seller’s main location, the one Square uses when a call names none.',
      resolve: (m, _args, ctx) => (m.mainLocationId ? ctx.loaders.location.load(m.mainLocationId) : null),
    }),
    createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When the seller joined Square.', resolve: (m) => m.createdAt ?? null }),
  }),
});

builder.queryField('merchant', (t) =>
  t.field({
    authScopes: { MERCHANT_PROFILE_READ: true },
    type: MerchantRef,
    nullable: true,
    description: 'The seller the caller acts for (Square’s RetrieveMerchant `me`).',
    resolve: (_root, _args, ctx) => ctx.loaders.merchant(),
  }),
);
