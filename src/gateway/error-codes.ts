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
  const withCodes = <T extends ExecutionResult>(result: T): T => {
    if (!result.errors?.some((error) => !error.extensions?.code || 'originalError' in (error.extensions ?? {}))) return result;
    return { ...result, errors: result.errors.map((error) => withCode(error, logger)) };
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
