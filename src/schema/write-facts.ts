import type { Scope } from '../context/scopes.js';

/**
 * What a mutation's success result grants the object it carries (scope-auth's `$granted`,
 * held per response path): the grant reaches that object's own fields and nothing else, so
 * the same object read any other way still needs its read scope.
 */
export const WRITTEN = 'written';

/**
 * Options of a field that says what a write did (the object's identity and the state the
 * write left it in): readable with the type's read scope, or on the object a write returned,
 * so that a write-only key still learns the truth of its write. The type's other fields keep
 * the read scope, each failing on its own, because the type checks its scopes per field.
 */
export function writeFact(readScope: Scope) {
  return { skipTypeScopes: true, authScopes: { $any: { [readScope]: true, $granted: WRITTEN } } } as const;
}

/** Type options for an object a write returns: its read scope checked per field, not on the whole object. */
export function writtenType(readScope: Scope) {
  return { authScopes: { [readScope]: true }, runScopesOnType: false } as const;
}
