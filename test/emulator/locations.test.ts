import { SquareError } from 'square';
import { failure } from '../support/fixtures.js';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';

const square = useEmulator();

describe('Locations API', () => {
  it('provisions a main location for a new token and lists it', async () => {
    const client = square.client();
    const { locations } = await client.locations.list();
    expect(locations).toHaveLength(1);
    expect(locations?.[0]).toMatchObject({ name: 'Main Location', status: 'ACTIVE', currency: 'USD', country: 'US' });
  });

  it('retrieves a location by id and by the alias main', async () => {
    const client = square.client();
    const { locations } = await client.locations.list();
    const id = locations![0]!.id!;
    expect((await client.locations.get({ locationId: id })).location?.id).toBe(id);
    expect((await client.locations.get({ locationId: 'main' })).location?.id).toBe(id);
  });

  it('answers 404 NOT_FOUND for an unknown location', async () => {
    const error = await square.client().locations.get({ locationId: 'LNOPE' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SquareError);
    expect((error as SquareError).statusCode).toBe(404);
    expect((error as SquareError).errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' });
  });

  it('never shows one merchant the locations of another', async () => {
    const a = (await square.client('token-a').locations.list()).locations![0]!.id!;
    const error = await square.client('token-b').locations.get({ locationId: a }).catch((e: unknown) => e);
    expect((error as SquareError).statusCode).toBe(404);
  });

  it('creates a location named uniquely, the rest taken from the main location, as Square\'s SDK suite does', async () => {
    const client = square.client();
    const { location } = await client.locations.create({ location: { name: 'Pier 39 Cart', description: 'Weekends only' } });
    expect(location).toMatchObject({ name: 'Pier 39 Cart', description: 'Weekends only', status: 'ACTIVE', currency: 'USD', country: 'US', timezone: 'America/Los_Angeles' });
    expect(location!.id).toMatch(/^L[A-Z0-9]{12}$/);
    expect(location!.createdAt).toBeDefined();
    expect((await client.locations.list()).locations!.map((l) => l.id)).toContain(location!.id);
    expect(square.emulator.ctx.webhooks.events().at(-1)).toMatchObject({ type: 'location.created', data: { id: location!.id } });
  });

  it('updates only the fields given, and passes over the ones Square sets itself', async () => {
    const client = square.client();
    const { location } = await client.locations.create({ location: { name: 'Kiosk' } });
    const { location: updated } = await client.locations.update({
      locationId: location!.id!,
      location: { description: 'By the ferry', businessHours: { periods: [{ dayOfWeek: 'SAT', startLocalTime: '07:00', endLocalTime: '18:00' }] }, currency: 'EUR' },
    });
    expect(updated).toMatchObject({ id: location!.id, name: 'Kiosk', description: 'By the ferry', currency: 'USD', businessHours: { periods: [{ dayOfWeek: 'SAT' }] } });
    expect((await client.locations.get({ locationId: location!.id! })).location).toEqual(updated);
  });

  it('refuses a location without a name, a name already taken, a bad time zone and an unknown location', async () => {
    const client = square.client();
    expect(await failure(client.locations.create({ location: {} }))).toMatchObject({ status: 400, errors: [{ code: 'MISSING_REQUIRED_PARAMETER', field: 'location.name' }] });
    expect(await failure(client.locations.create({ location: { name: 'Main Location' } }))).toMatchObject({
      status: 400,
      errors: [{ code: 'BAD_REQUEST', field: 'location.name' }],
    });
    expect(await failure(client.locations.create({ location: { name: 'X', timezone: 'Mars/Olympus' } }))).toMatchObject({
      status: 400,
      errors: [{ code: 'INVALID_VALUE', field: 'location.timezone' }],
    });
    expect(await failure(client.locations.create({ location: { name: 'X', twitterUsername: 'a'.repeat(16) } }))).toMatchObject({
      status: 400,
      errors: [{ code: 'VALUE_TOO_LONG', field: 'location.twitter_username' }],
    });
    expect(await failure(client.locations.update({ locationId: 'LNOPE', location: { name: 'Y' } }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'location_id' }],
    });
  });
});
