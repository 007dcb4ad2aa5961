import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin, type YogaLogger } from 'graphql-yoga';

/**
 * Every error a caller gets has `extensions.code`, and none carries yoga's
 * `extensions.originalError` (added when NODE_ENV is development), whose message may
 * quote the request. An error graphql-js or a plugin raised without a code is, with a
 * `path`, a field's unexpected failure: masked as yoga masks thrown errors, since its
 * message may quote an argument (Pothos's "Invalid global ID: <id>"), and logged. Without
 * a path it is a request graphql-js refused, and its message names no value.
 */
export function errorCodes(): Plugin {
  let logger: Pick<YogaLogger, 'error'> = console;
  const coded = (errors: ReadonlyArray<GraphQLError> | undefined) =>
    errors?.some((error) => !error.extensions?.code || 'originalError' in (error.extensions ?? {}))
      ? errors.map((error) => withCode(error, logger))
      : errors;
  // With @defer and @stream, the parts after the first carry their errors in `incremental`.
  const withCodes = <T extends ExecutionResult & { incremental?: ReadonlyArray<{ errors?: ReadonlyArray<GraphQLError> }> }>(result: T): T => {
    const errors = coded(result.errors);
    const incremental = result.incremental?.map((part) => {
      const partErrors = coded(part.errors);
      return partErrors === part.errors ? part : { ...part, errors: partErrors };
    });
    const changed = errors !== result.errors || incremental?.some((part, i) => part !== result.incremental?.[i]);
    if (!changed) return result;
    return { ...result, errors, ...(incremental ? { incremental } : {}) };
  };
  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    onResultProcess({ result, setResult }) {
      if (isAsyncIterable(result)) setResult(mapAsyncIterator(result, withCodes));
      else setResult(Array.isArray(result) ? result.map(withCodes) : withCodes(result));
    },
  };
}

function withCode(error: GraphQLError, logger: Pick<YogaLogger, 'error'>): GraphQLError {
  const { originalError: quoted, ...extensions } = error.extensions ?? {};
  if (extensions.code && !quoted) return error;
  const unexpected = !extensions.code && error.path !== undefined;
  if (unexpected) logger.error(error);
  return new GraphQLError(unexpected ? 'Unexpected error.' : error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...extensions, code: extensions.code ?? (unexpected ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT') },
  });
}
