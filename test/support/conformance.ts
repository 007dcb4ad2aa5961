/**
 * The conformance check: every answer the emulator gives in the tests must satisfy the SDK's schema for
 * its endpoint, which each route module states beside its routes (src/emulator/routes/endpoints.ts).
 */
import { serialization } from 'square';
import { RESPONSE_SCHEMAS } from '../../src/emulator/routes/index.js';

const STRICT = {
  unrecognizedObjectKeys: 'fail',
  allowUnrecognizedEnumValues: false,
  allowUnrecognizedUnionMembers: false,
  skipValidation: false,
} as const;

/*
 * What Square sends that the SDK's schemas (square v46) do not describe, and that the check therefore
 * allows: each is Square's behaviour the emulator reproduces on purpose, not a slip.
 */

/** Error codes Square's spec lists (`x-endpoint-errors`, descriptions) that the SDK's ErrorCode enum leaves out. */
const CODES_BEYOND_SDK: ReadonlySet<string> = new Set(['VERSION_MISMATCH']);

/** A catalog object: a `type` with its `<type>_data` beside it. */
const isCatalogObject = (value: Record<string, unknown>) =>
  typeof value.type === 'string' && typeof value.id === 'string' && `${value.type.toLowerCase()}_data` in value;

/** The body without the fields Square sends beyond the SDK's schema: a catalog object's `created_at`. */
function withoutFieldsBeyondSdk(value: unknown): unknown {
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

/** `/v2/customers/groups` before `/v2/customers/:customer_id`: a fixed segment wins over a parameter, as in Fastify's router. */
const bySpecificity = (a: string, b: string) => {
  const params = (path: string) => path.split('/').map((segment) => (segment.startsWith(':') ? 1 : 0));
  const [x, y] = [params(a), params(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
};

const compiled = RESPONSE_SCHEMAS.map(({ route, response }) => {
  const [method, path] = route.split(' ') as [string, string];
  return {
    method,
    path,
    regex: new RegExp('^' + path.replace(/:[a-z_]+/g, '[^/]+') + '$'),
    schema: serialization[response] as { parse: (raw: unknown, opts: typeof STRICT) => { ok: boolean; errors?: unknown[] } },
    name: response,
  };
}).sort((a, b) => bySpecificity(a.path, b.path));

/** Checks a raw Square response body against the SDK's schema for its endpoint; returns what is wrong. */
export function conformanceProblems(method: string, path: string, status: number, body: unknown): string[] {
  if (status >= 400) {
    const errs = (body as { errors?: unknown[] } | undefined)?.errors;
    if (!Array.isArray(errs) || errs.length === 0) return [`${method} ${path}: error response without errors[]`];
    return errs.flatMap((e) => {
      const code = (e as { code?: unknown }).code;
      // A code Square sends beyond the SDK's enum is checked as one it lists, so that the rest of the error still is.
      const result = serialization.Error_.parse(typeof code === 'string' && CODES_BEYOND_SDK.has(code) ? { ...(e as object), code: 'CONFLICT' } : e, STRICT);
      return result.ok ? [] : [`${method} ${path} error: ${JSON.stringify(result.errors)}`];
    });
  }
  const route = compiled.find((r) => r.method === method && r.regex.test(path));
  if (!route) return [`${method} ${path}: no route module states a response schema for it (src/emulator/routes/endpoints.ts)`];
  const result = route.schema.parse(withoutFieldsBeyondSdk(body), STRICT);
  return result.ok ? [] : [`${method} ${path} (${route.name}): ${JSON.stringify(result.errors)}`];
}
