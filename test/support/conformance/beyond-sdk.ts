/**
 * What Square sends that the SDK's schemas (square v46) do not describe, and that the conformance check
 * therefore allows: each entry is Square's behaviour the emulator reproduces on purpose, not a slip.
 */

/** Error codes Square's spec lists (`x-endpoint-errors`, descriptions) that the SDK's ErrorCode enum leaves out. */
export const CODES_BEYOND_SDK: ReadonlySet<string> = new Set(['VERSION_MISMATCH']);

/** A catalog object: a `type` with its `<type>_data` beside it. */
const isCatalogObject = (value: Record<string, unknown>) =>
  typeof value.type === 'string' && typeof value.id === 'string' && `${value.type.toLowerCase()}_data` in value;

/** The body without the fields Square sends beyond the SDK's schema: a catalog object's `created_at`. */
export function withoutFieldsBeyondSdk(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutFieldsBeyondSdk);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const catalog = isCatalogObject(object);
  return Object.fromEntries(
    Object.entries(object)
      .filter(([key]) => !(catalog && key === 'created_at'))
      .map(([key, v]) => [key, withoutFieldsBeyondSdk(v)]),
  );
}
