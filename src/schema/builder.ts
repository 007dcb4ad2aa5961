import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import type { GatewayContext } from '../gateway/context.js';

/** The one schema builder; every type module adds to it. */
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  Scalars: {
    BigInt: { Input: bigint; Output: bigint | number };
    DateTime: { Input: string; Output: string };
  };
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [RelayPlugin],
  relay: {
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
  },
});

builder.queryType({ description: 'Read a Square seller’s customers, cards, gift cards, orders, payments, refunds and locations.' });
