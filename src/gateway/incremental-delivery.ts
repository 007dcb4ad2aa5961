import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { ExecutionResult, GraphQLError, ValidationRule } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

/** Media types a client can take an incremental response in (multipart/mixed or SSE), wildcards included. */
const INCREMENTAL_MEDIA = /multipart\/(mixed|\*)|text\/(event-stream|\*)|\*\/\*/;

interface Part extends ExecutionResult {
  incremental?: ReadonlyArray<{ data?: Record<string, unknown> | null; items?: unknown[]; path: ReadonlyArray<string | number>; errors?: ReadonlyArray<GraphQLError> }>;
  hasNext?: boolean;
}

/**
 * `@defer` and `@stream`. A client that accepts only JSON (which yoga would answer 406,
 * with no body) gets the parts put together into one result instead, as if it had sent
 * no directive: a query works whichever way its client reads the answer.
 */
export function incrementalDelivery(): Plugin[] {
  const wholeForJsonClients: Plugin = {
    onExecute: () => ({
      onExecuteDone: async ({ args, result, setResult }) => {
        const accept = (args.contextValue as { request?: Request }).request?.headers.get('accept');
        if (!isAsyncIterable(result) || !accept || INCREMENTAL_MEDIA.test(accept)) return;
        setResult(await wholeResult(result as AsyncIterable<Part>));
      },
    }),
  };
  return [useDeferStream(), oneOverlapRule, wholeForJsonClients];
}

/**
 * useDeferStream adds its own copy of validation's overlapping-fields rule (one that knows
 * `@stream`) to replace graphql-js's, but its removal of graphql-js's copy does not reach the
 * rules validation runs, so both ran, each comparing the same fields pairwise: only the last
 * copy added, the plugin's, is kept.
 */
const oneOverlapRule: Plugin = {
  onValidate({ params }) {
    const rules: ValidationRule[] = params.rules ?? [];
    const copies = rules.filter((rule) => rule.name === 'OverlappingFieldsCanBeMergedRule');
    for (const rule of copies.slice(0, -1)) rules.splice(rules.indexOf(rule), 1);
  },
};

async function wholeResult(parts: AsyncIterable<Part>): Promise<ExecutionResult> {
  let whole: ExecutionResult = {};
  const errors: GraphQLError[] = [];
  for await (const part of parts) {
    if (!part.incremental) whole = { data: part.data, ...(part.extensions ? { extensions: part.extensions } : {}) };
    errors.push(...(part.errors ?? []));
    for (const entry of part.incremental ?? []) {
      errors.push(...(entry.errors ?? []));
      if (entry.items) {
        const list = valueAt(whole.data, entry.path.slice(0, -1));
        if (Array.isArray(list)) list.push(...entry.items);
      } else if (entry.data) {
        const target = valueAt(whole.data, entry.path);
        if (isObject(target)) mergeInto(target, entry.data);
      }
    }
  }
  return errors.length > 0 ? { ...whole, errors } : whole;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function valueAt(data: unknown, path: ReadonlyArray<string | number>): unknown {
  let value = data;
  for (const key of path) value = isObject(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[key] : undefined;
  return value;
}

/** A deferred fragment's fields beside those already there: the objects they share are merged, field by field. */
function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isObject(existing) && isObject(value)) mergeInto(existing, value);
    else if (Array.isArray(existing) && Array.isArray(value)) {
      for (const [i, item] of existing.entries()) {
        const other: unknown = value[i];
        if (isObject(item) && isObject(other)) mergeInto(item, other);
      }
    } else target[key] = value;
  }
}
