import { describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../../src/gateway/api-keys.js';
import { graphql } from '../../gql/index.js';
import { failAfterCommit } from '../../support/faults.js';
import { key } from '../../support/fixtures.js';
import { useGateway } from '../../support/gateway.js';

const reader = generateKey('location reader', ['MERCHANT_PROFILE_READ']);
const admin = generateKey('location admin', ['MERCHANT_PROFILE_READ', 'MERCHANT_PROFILE_WRITE']);
const stack = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [reader.entry, admin.entry] }), 'test keys') });
const as = (k: { key: string }) => ({ headers: { 'x-api-key': k.key } });

const CREATE = graphql(`mutation LocationsCreate($input: CreateLocationInput!) {
  createLocation(input: $input) {
    __typename
    ... on CreateLocationSuccess { location { id squareId name businessName status timezone } }
    ... on Error { code message }
    ... on ValidationError { field }
  }
}`);

const UPDATE = graphql(`mutation LocationsUpdate($input: UpdateLocationInput!) {
  updateLocation(input: $input) {
    __typename
    ... on UpdateLocationSuccess { location { id name status } }
    ... on Error { code message }
    ... on ValidationError { field }
    ... on NotFoundError { field }
  }
}`);

const LOCATIONS = graphql(`query LocationsList { locations { squareId name status } }`);

describe('location mutations', () => {
  it('creates a location that takes the main location’s details, shows it in locations at once, and changes it', async () => {
    const before = await stack.gql(LOCATIONS, {}, as(admin));
    const name = `Kiosk ${key()}`;
    const created = await stack.gql(CREATE, { input: { name, businessName: 'Café on the pier' } }, as(admin));
    if (created.data?.createLocation?.__typename !== 'CreateLocationSuccess') throw new Error(JSON.stringify(created));
    const { location } = created.data.createLocation;
    expect(location).toMatchObject({ name, businessName: 'Café on the pier', status: 'ACTIVE' });
    const main = (await stack.square().locations.get({ locationId: 'main' })).location!;
    expect(location.timezone).toBe(main.timezone);

    // The seller's location list, cached per token, is dropped by the write: the new location shows at once.
    const after = await stack.gql(LOCATIONS, {}, as(admin));
    expect(after.data?.locations?.map((l) => l.squareId)).toEqual([...before.data!.locations!.map((l) => l.squareId), location.squareId]);

    const renamed = `${name} (closed)`;
    const updated = await stack.gql(UPDATE, { input: { id: location.id, name: renamed, status: 'INACTIVE' } }, as(admin));
    expect(updated.data?.updateLocation).toEqual({ __typename: 'UpdateLocationSuccess', location: { id: location.id, name: renamed, status: 'INACTIVE' } });
    const listed = await stack.gql(LOCATIONS, {}, as(reader));
    expect(listed.data?.locations?.find((l) => l.squareId === location.squareId)).toEqual({ squareId: location.squareId, name: renamed, status: 'INACTIVE' });
  });

  it('refuses bad input before calling Square, and passes Square’s refusals through naming the input field', async () => {
    await stack.clearCalls();
    const blank = await stack.gql(CREATE, { input: { name: '   ' } }, as(admin));
    expect(blank.data?.createLocation).toMatchObject({ __typename: 'ValidationError', field: 'input.name' });
    const long = await stack.gql(CREATE, { input: { name: 'n'.repeat(256) } }, as(admin));
    expect(long.data?.createLocation).toMatchObject({ __typename: 'ValidationError', field: 'input.name', code: 'VALUE_TOO_LONG' });
    const badId = await stack.gql(UPDATE, { input: { id: 'not an id!', name: 'x' } }, as(admin));
    expect(badId.data?.updateLocation).toMatchObject({ __typename: 'ValidationError', field: 'input.id' });
    expect(await stack.calls()).toEqual([]);

    const name = `Stall ${key()}`;
    await stack.gql(CREATE, { input: { name } }, as(admin));
    const taken = await stack.gql(CREATE, { input: { name } }, as(admin));
    expect(taken.data?.createLocation).toMatchObject({ __typename: 'ValidationError', field: 'input.name' });
    const zone = await stack.gql(CREATE, { input: { name: `Van ${key()}`, timezone: 'Mars/Olympus_Mons' } }, as(admin));
    expect(zone.data?.createLocation).toMatchObject({ __typename: 'ValidationError', field: 'input.timezone' });
    const country = await stack.gql(CREATE, { input: { name: `Cart ${key()}`, address: { country: 'XX' } } }, as(admin));
    expect(country.data?.createLocation).toMatchObject({ __typename: 'ValidationError', field: 'input.address.country' });
    const unknown = await stack.gql(UPDATE, { input: { id: 'L0000000000000', name: 'x' } }, as(admin));
    expect(unknown.data?.updateLocation).toMatchObject({ __typename: 'NotFoundError', field: 'input.id' });
  });

  it('creates one location when Square made it but its answer was lost, settled by the name on a location that is new', async () => {
    const name = `Pop-up ${key()}`;
    await failAfterCommit(stack, 'POST', '/v2/locations', 'drop');
    const created = await stack.gql(CREATE, { input: { name } }, as(admin));
    expect(created.data?.createLocation).toMatchObject({ __typename: 'CreateLocationSuccess', location: { name } });
    const all = (await stack.square().locations.list()).locations ?? [];
    expect(all.filter((l) => l.name === name)).toHaveLength(1);
  });

  it('needs MERCHANT_PROFILE_WRITE to write', async () => {
    const refused = await stack.gql(CREATE, { input: { name: `Booth ${key()}` } }, as(reader));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['MERCHANT_PROFILE_WRITE'] });
  });
});
