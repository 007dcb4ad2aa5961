import { SquareError } from 'square';
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
});
