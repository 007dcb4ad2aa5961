import type { Square } from 'square';
import { z } from 'zod';
import { AddressInput, squareAddress } from '../../schema/address.js';
import { builder } from '../../schema/builder.js';
import { NotFoundError, ValidationError } from '../../schema/errors.js';
import { idInput, mutationErrors, present, squareWrite, validateInput } from '../../schema/write.js';
import { LocationStatus, LocationType } from './enums.js';
import { staleAfter } from './events.js';
import { LocationRef } from './refs.js';

/** What Square's spec bounds of the fields these inputs take. */
const fields = {
  name: z.string().trim().min(1, 'name must not be empty').max(255, 'name is at most 255 characters'),
  businessName: z.string().max(255, 'businessName is at most 255 characters'),
  timezone: z.string().max(30, 'timezone is at most 30 characters'),
};

const LocationFields = {
  businessName: 'The business name buyers see for this location, e.g. on receipts; up to 255 characters.',
  address: 'The location’s postal address.',
  timezone: 'Its IANA time zone, e.g. America/Los_Angeles.',
};

const CreateLocationInput = builder.inputType('CreateLocationInput', {
  description:
    'A new location (Square CreateLocation). What it leaves out (address, time zone, business name) Square takes from the seller’s main location.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The seller’s name for it, unique among the seller’s locations; up to 255 characters.' }),
    businessName: t.string({ required: false, description: LocationFields.businessName }),
    type: t.field({ type: LocationType, required: false, description: 'A physical premises or a mobile business.' }),
    address: t.field({ type: AddressInput, required: false, description: LocationFields.address }),
    timezone: t.string({ required: false, description: LocationFields.timezone }),
  }),
});

const UpdateLocationInput = builder.inputType('UpdateLocationInput', {
  description: 'Changes to a location (Square UpdateLocation): the fields given replace the location’s, the others stay.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The location to change (its id or squareId).' }),
    name: t.string({ required: false, description: 'A new name, unique among the seller’s locations; up to 255 characters.' }),
    businessName: t.string({ required: false, description: LocationFields.businessName }),
    address: t.field({ type: AddressInput, required: false, description: `${LocationFields.address} Its fields replace the stored ones.` }),
    timezone: t.string({ required: false, description: LocationFields.timezone }),
    status: t.field({ type: LocationStatus, required: false, description: 'INACTIVE to stop the location taking payments; ACTIVE again.' }),
  }),
});

/** Square names the fields it refuses under `location` (a name another location has: BAD_REQUEST on `location.name`), and the id in the path. */
const LOCATION_FIELDS = { location: 'input', location_id: 'input.id' };

const LOCATION_ERRORS = [ValidationError, NotFoundError];

builder.mutationFields((t) => ({
  createLocation: t.field({
    type: LocationRef,
    description: 'Opens a new location of the seller (Square CreateLocation), ACTIVE at once.',
    authScopes: { MERCHANT_PROFILE_WRITE: true },
    errors: mutationErrors('createLocation', LOCATION_ERRORS, { name: 'location', description: 'The new location.' }),
    args: { input: t.arg({ type: CreateLocationInput, required: true, description: 'The new location.' }) },
    resolve: async (_root, { input }, ctx) => {
      const { name, ...rest } = validateInput(z.object(fields).partial().required({ name: true }), present(input));
      const location: Square.Location = { ...rest, name, ...(input.type ? { type: input.type } : {}), ...(input.address ? { address: squareAddress(input.address, 'input.address') } : {}) };
      // Square takes no idempotency key here, and names are unique: an unknown outcome is settled by the name,
      // on a location that did not exist before this write.
      const before = new Set((await ctx.loaders.currentLocations()).map((l) => l.id));
      const created = await squareWrite(ctx, {
        send: () => ctx.square.locations.create({ location }),
        settle: async () => {
          const made = (await ctx.loaders.currentLocations()).find((l) => !before.has(l.id) && l.name?.trim() === name);
          return made && { location: made };
        },
        fields: LOCATION_FIELDS,
        stale: () => staleAfter.locations(),
      });
      return created.location!;
    },
  }),
  updateLocation: t.field({
    type: LocationRef,
    description: 'Changes a location of the seller (Square UpdateLocation): its name, business name, address, time zone or status.',
    authScopes: { MERCHANT_PROFILE_WRITE: true },
    errors: mutationErrors('updateLocation', LOCATION_ERRORS, { name: 'location', description: 'The location after the change.' }),
    args: { input: t.arg({ type: UpdateLocationInput, required: true, description: 'Which location, and the changes.' }) },
    resolve: async (_root, { input }, ctx) => {
      const { id, address, status, ...given } = input;
      const locationId = idInput(id, 'Location', 'input.id');
      const valid = validateInput(z.object(fields).partial(), present(given));
      const location: Square.Location = { ...valid, ...(status ? { status } : {}), ...(address ? { address: squareAddress(address, 'input.address') } : {}) };
      const updated = await squareWrite(ctx, {
        send: () => ctx.square.locations.update({ locationId, location }),
        // The same fields set twice leave the location as once: sending it again settles an unknown outcome.
        settle: 'resend',
        fields: LOCATION_FIELDS,
        stale: () => staleAfter.locations(),
      });
      return updated.location!;
    },
  }),
}));
