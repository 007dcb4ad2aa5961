import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { errors } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';

type Location = serialization.Location.Raw;

/** The merchant's main location id: where objects go when a request names none. */
export function mainLocationId(ctx: EmulatorContext, merchantId: string): string {
  return ctx.stores.locations.all(merchantId)[0]!.doc.id!;
}

/** ListLocations: every location, oldest (the main one) first; Square does not paginate it. */
export function listLocations(ctx: EmulatorContext, merchantId: string): Location[] {
  return ctx.stores.locations.all(merchantId).map((s) => s.doc);
}

/** RetrieveLocation, where `main` names the merchant's main location. */
export function retrieveLocation(ctx: EmulatorContext, merchantId: string, id: string): Location {
  const location = id === 'main' ? ctx.stores.locations.all(merchantId)[0]?.doc : ctx.stores.locations.get(merchantId, id);
  if (!location) throw errors.notFound(`Location with id ${id} not found.`, 'location_id');
  return location;
}

/** Fields Square sets itself (the spec marks them read-only): a request's values for them are passed over, as Square does. */
const READ_ONLY = ['id', 'capabilities', 'created_at', 'merchant_id', 'country', 'currency', 'logo_url', 'pos_background_url', 'full_format_logo_url', 'tax_ids'] as const;

function editable(fields: Location): Partial<Location> {
  const copy: Partial<Location> = { ...fields };
  for (const key of READ_ONLY) delete copy[key];
  return copy;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function checkFields(ctx: EmulatorContext, merchantId: string, fields: Partial<Location>, self?: string): void {
  if (fields.timezone != null && !isTimeZone(fields.timezone))
    throw errors.invalidValue('location.timezone', `${fields.timezone} is not an IANA time zone.`);
  const name = fields.name?.trim();
  if (name !== undefined && ctx.stores.locations.all(merchantId).some((s) => s.doc.id !== self && s.doc.name?.trim() === name))
    // Square's spec lists BAD_REQUEST as CreateLocation's and UpdateLocation's error.
    throw errors.invalid('BAD_REQUEST', `A location named ${name} already exists; location names are unique within a seller account.`, 'location.name');
}

function announce(ctx: EmulatorContext, merchantId: string, type: 'location.created' | 'location.updated', id: string): void {
  ctx.webhooks.emit({ merchantId, type, id, locationId: id });
}

/**
 * CreateLocation: a new ACTIVE location named uniquely within the seller account; what the request leaves
 * out (address, time zone, business name, …) comes from the main location, as Square's does.
 */
export function createLocation(ctx: EmulatorContext, merchantId: string, fields: Location): Location {
  const given = editable(fields);
  checkFields(ctx, merchantId, given);
  const main = ctx.stores.locations.all(merchantId)[0]!.doc;
  const { id: _id, created_at: _created, name: _name, description: _description, ...inherited } = main;
  const location: Location = { ...inherited, status: 'ACTIVE', ...given, id: newId.location(), created_at: now() };
  ctx.stores.locations.insert(merchantId, location.id!, location);
  announce(ctx, merchantId, 'location.created', location.id!);
  return location;
}

/** UpdateLocation: the given fields replace the location's, the rest stay. */
export function updateLocation(ctx: EmulatorContext, merchantId: string, id: string, fields: Location): Location {
  const existing = ctx.stores.locations.get(merchantId, id);
  if (!existing) throw errors.notFound(`Location with id ${id} not found.`, 'location_id');
  const given = editable(fields);
  checkFields(ctx, merchantId, given, id);
  const location: Location = { ...existing, ...given };
  ctx.stores.locations.put(merchantId, id, location);
  announce(ctx, merchantId, 'location.updated', id);
  return location;
}

/** A location as the emulator provisions one (a merchant's main location, the demo kiosk): `fields` over the defaults. */
export function newLocation(merchantId: string, createdAt: string, fields: Partial<Location> & { name: string }): Location {
  return {
    id: newId.location(),
    merchant_id: merchantId,
    business_name: 'Emulated Seller',
    address: {
      address_line_1: '1455 Market Street',
      locality: 'San Francisco',
      administrative_district_level_1: 'CA',
      postal_code: '94103',
      country: 'US',
    },
    timezone: 'America/Los_Angeles',
    capabilities: ['CREDIT_CARD_PROCESSING', 'AUTOMATIC_TRANSFERS'],
    status: 'ACTIVE',
    created_at: createdAt,
    country: 'US',
    language_code: 'en-US',
    currency: 'USD',
    type: 'PHYSICAL',
    mcc: '7299',
    ...fields,
  };
}
