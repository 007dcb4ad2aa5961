import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';

const sdl = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));

describe('the checked-in SDL', () => {
  it('accepts the deferred and streamed documents the server runs, as a client’s codegen would check them', () => {
    const document = parse(`query {
      customers(first: 2) { edges { node { id ... @defer(label: "cards") { cards { id } } } } }
      locations @stream(initialCount: 1) { id }
    }`);
    expect(validate(sdl, document)).toEqual([]);
  });
});
