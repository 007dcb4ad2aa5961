import { Square } from 'square';
import { builder } from './builder.js';
import { ValidationError } from './errors.js';

export const Address = builder.objectRef<Square.Address>('Address').implement({
  description: 'A postal address as Square stores it.',
  fields: (t) => ({
    addressLine1: t.exposeString('addressLine1', { nullable: true, description: 'The first line of the street address.' }),
    addressLine2: t.exposeString('addressLine2', {
      nullable: true,
      description: 'The second line of the street address, e.g. an apartment or suite.',
    }),
    addressLine3: t.exposeString('addressLine3', { nullable: true, description: 'A third street address line, where one is needed.' }),
    locality: t.exposeString('locality', { nullable: true, description: 'City or town.' }),
    sublocality: t.exposeString('sublocality', {
      nullable: true,
      description: 'A district or neighborhood within the city, in countries that use one.',
    }),
    administrativeDistrictLevel1: t.exposeString('administrativeDistrictLevel1', {
      nullable: true,
      description: 'State, province or region.',
    }),
    postalCode: t.exposeString('postalCode', { nullable: true, description: 'The postal or ZIP code.' }),
    country: t.string({ nullable: true, description: 'ISO 3166-1 alpha-2 country code.', resolve: (a) => a.country ?? null }),
    firstName: t.exposeString('firstName', {
      nullable: true,
      description: 'The first name of the addressee, when the address names a person.',
    }),
    lastName: t.exposeString('lastName', {
      nullable: true,
      description: 'The last name of the addressee, when the address names a person.',
    }),
  }),
});

export const AddressInput = builder.inputType('AddressInput', {
  description: 'A postal address to store with a customer or card.',
  fields: (t) => ({
    addressLine1: t.string({ required: false, description: 'Street and number.' }),
    addressLine2: t.string({ required: false, description: 'Apartment, suite, floor.' }),
    addressLine3: t.string({ required: false, description: 'Any further line.' }),
    locality: t.string({ required: false, description: 'City or town.' }),
    sublocality: t.string({ required: false, description: 'District or neighbourhood, where used.' }),
    administrativeDistrictLevel1: t.string({ required: false, description: 'State, province or region.' }),
    postalCode: t.string({ required: false, description: 'Postal or ZIP code.' }),
    country: t.string({ required: false, description: 'ISO 3166-1 alpha-2 country code, e.g. US.' }),
    firstName: t.string({ required: false, description: 'First name of the addressee.' }),
    lastName: t.string({ required: false, description: 'Last name of the addressee.' }),
  }),
});

const COUNTRIES: ReadonlySet<string> = new Set(Object.values(Square.Country));

/**
 * An AddressInput as Square takes it, its empty fields left out. The SDK refuses a country
 * outside its enum before sending anything, so the input's `field` is named here instead.
 */
export function squareAddress(address: Record<string, string | null | undefined>, field: string): Square.Address {
  if (address.country != null && !COUNTRIES.has(address.country)) {
    throw new ValidationError(`${field}.country is not an ISO 3166-1 alpha-2 country code Square knows, e.g. US.`, `${field}.country`, 'INVALID_ENUM_VALUE');
  }
  return Object.fromEntries(Object.entries(address).filter(([, v]) => v != null)) as Square.Address;
}
