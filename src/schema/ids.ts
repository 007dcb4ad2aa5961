import { encodeGlobalID } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';

/** Every Square id we have seen: letters, digits and `:_-`, as in `ccof:…`, `gftc:…` and refund ids. */
const SQUARE_ID = /^[A-Za-z0-9:_-]{1,192}$/;

/** A type name of the graph, as our global ids start with; which types are nodes the schema says (Node's implementations). */
const TYPE_NAME = /^[A-Z][A-Za-z]{0,47}$/;

/** The longest global id we make: the longest type name and Square id, base64-encoded. */
const GLOBAL_ID_MAX_LENGTH = Math.ceil((48 + ':'.length + 192) / 3) * 4;

export function globalId(type: string, squareId: string): string {
  return encodeGlobalID(type, squareId);
}

/** The type and Square id inside one of our global ids, if `id` is one. */
function decodeOurs(id: string): { type: string; squareId: string } | undefined {
  if (id.length > GLOBAL_ID_MAX_LENGTH || !/^[A-Za-z0-9+/]+=*$/.test(id)) return undefined;
  const text = Buffer.from(id, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const type = text.slice(0, colon);
  const squareId = text.slice(colon + 1);
  return colon > 0 && TYPE_NAME.test(type) && SQUARE_ID.test(squareId) ? { type, squareId } : undefined;
}

/** "a Customer", "an Order": a type name with its article. */
function aOrAn(type: string): string {
  return `${/^[AEIOU]/.test(type) ? 'an' : 'a'} ${type}`;
}

/**
 * What a message says of the caller's id. Never the id itself: a card nonce or a token
 * pasted into the wrong field must not come back in an error, nor reach a log.
 */
const given = (argument: string) => `The ${argument} given`;

/**
 * Root lookups take either a global id (an object's `id`) or Square's own id (its
 * `squareId`). A global id of another type, or anything that is neither, is the
 * caller's mistake: BAD_USER_INPUT naming the argument, never a silent null.
 */
export function squareIdFrom(id: string, type: string, argument = 'id'): string {
  const decoded = decodeOurs(id);
  if (decoded) {
    if (decoded.type === type) return decoded.squareId;
    throw badId(`${given(argument)} is the id of ${aOrAn(decoded.type)}, not of ${aOrAn(type)}.`, argument);
  }
  if (SQUARE_ID.test(id)) return id;
  throw badId(`${given(argument)} is not ${aOrAn(type)} id: pass the object's id or its squareId.`, argument);
}

/**
 * `node` and `nodes` take global ids only: a Square id does not say which type it
 * belongs to. `nodeTypes` are the types that can be fetched by id; anything else
 * (junk, a Square id, the id of another type) is BAD_USER_INPUT naming the argument.
 */
export function nodeIdFrom(id: string, nodeTypes: readonly string[], argument: string): { type: string; squareId: string } {
  const decoded = decodeOurs(id);
  if (decoded && nodeTypes.includes(decoded.type)) return decoded;
  const hint = ganHint(id);
  if (hint) throw badId(hint, argument);
  const types = nodeTypes.join(', ').replace(/, ([^,]+)$/, ' or $1');
  throw badId(
    `${given(argument === 'ids' ? 'id in ids' : argument)} is not an object's id: pass the id field of ${aOrAn(types)}. A squareId goes to the lookup of its type, e.g. customer(id:).`,
    argument,
  );
}

/**
 * Digits only: a gift card account number (Square's have 16 digits), never a gift card
 * id, since Square's ids start with gftc: and global ids are base64 of "GiftCard:gftc:…".
 */
const GAN = /^\d{8,20}$/;

/**
 * Where a GAN is passed as a gift card id: the way to look it up instead. The GAN is not
 * repeated, since whoever knows it can spend the card and error messages end up in logs.
 */
export function ganHint(value: string): string | undefined {
  return GAN.test(value)
    ? 'This looks like a gift card account number (GAN), not a gift card id: look the card up with giftCardByGan(gan:), then use its id or squareId.'
    : undefined;
}

function badId(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument } });
}
