import { encodeGlobalID } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';

/** Every Square id we have seen: letters, digits and `:_-`, as in `ccof:…`, `gftc:…` and refund ids. */
const SQUARE_ID = /^[A-Za-z0-9:_-]{1,192}$/;

const NODE_TYPES = ['Customer', 'Card', 'GiftCard', 'GiftCardActivity', 'Order', 'Payment', 'Refund', 'Location'] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

export function globalId(type: NodeTypeName, squareId: string): string {
  return encodeGlobalID(type, squareId);
}

/** The type and Square id inside one of our global ids, if `id` is one. */
function decodeOurs(id: string): { type: NodeTypeName; squareId: string } | undefined {
  if (!/^[A-Za-z0-9+/]+=*$/.test(id)) return undefined;
  const text = Buffer.from(id, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const type = text.slice(0, colon) as NodeTypeName;
  const squareId = text.slice(colon + 1);
  return colon > 0 && NODE_TYPES.includes(type) && SQUARE_ID.test(squareId) ? { type, squareId } : undefined;
}

/**
 * Root lookups take either a global id (an object's `id`) or Square's own id (its
 * `squareId`). A global id of another type, or anything that is neither, is the
 * caller's mistake: BAD_USER_INPUT naming the argument, never a silent null.
 */
export function squareIdFrom(id: string, type: NodeTypeName, argument = 'id'): string {
  const decoded = decodeOurs(id);
  if (decoded) {
    if (decoded.type === type) return decoded.squareId;
    throw badId(`"${id}" is the id of a ${decoded.type}, not of a ${type}.`, argument);
  }
  if (SQUARE_ID.test(id)) return id;
  throw badId(`"${id.slice(0, 100)}" is not a ${type} id: pass the object's id or its squareId.`, argument);
}

function badId(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument } });
}
