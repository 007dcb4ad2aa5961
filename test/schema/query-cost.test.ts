import { complexityFromQuery } from '@pothos/plugin-complexity';
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { limitPassed, requestedQueryCost } from '../../src/schema/query-cost.js';

/** Fragments that each spread the next one twice, each copy under another field: 2^levels selections, none repeated in one place. */
function tree(levels: number): string {
  return Array.from({ length: levels }, (_, i) => {
    const next = i + 1 < levels ? `F${i + 1}` : undefined;
    return `fragment F${i} on Customer { id ${next ? `cards { customer { ...${next} } } giftCards { customers { ...${next} } }` : ''} }`;
  }).join('\n');
}

describe('measuring an operation before it runs', () => {
  // Each walk keeps what it measured of a selection set, so spreading a fragment again costs no walk of it:
  // walking every expansion took minutes at 20 levels and never ended at 40.
  it('measures 40 levels of fragments spread twice each, a tree of 2^40 selections, in one pass over the document', () => {
    const document = parse(`{ customers(first: 1) { edges { node { ...F0 } } } }\n${tree(40)}`);
    const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const measured = complexityFromQuery(document, { schema, ctx: {}, variables: {} });
    expect(limitPassed(measured)?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    const cost = requestedQueryCost(measured.complexity, schema, operation, Object.fromEntries(fragments.map((f) => [f.name.value, f])), {});
    expect(cost).toBeGreaterThan(200_000);
  });
});
