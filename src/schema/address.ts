import type { Square } from 'square';
import { builder } from './builder.js';

export const Address = builder.objectRef<Square.Address>('Address').implement({
  description: 'A postal address as Square stores it.',
  fields: (t) => ({
    addressLine1: t.exposeString('addressLine1', { nullable: true }),
    addressLine2: t.exposeString('addressLine2', { nullable: true }),
    addressLine3: t.exposeString('addressLine3', { nullable: true }),
    locality: t.exposeString('locality', { nullable: true, description: 'City or town.' }),
    sublocality: t.exposeString('sublocality', { nullable: true }),
    administrativeDistrictLevel1: t.exposeString('administrativeDistrictLevel1', {
      nullable: true,
      description: 'State, province or region.',
    }),
    postalCode: t.exposeString('postalCode', { nullable: true }),
    country: t.string({ nullable: true, description: 'ISO 3166-1 alpha-2 country code.', resolve: (a) => a.country ?? null }),
    firstName: t.exposeString('firstName', { nullable: true }),
    lastName: t.exposeString('lastName', { nullable: true }),
  }),
});
