import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';

/**
 * Every error a caller gets has `extensions.code`, and none carries yoga's
 * `extensions.originalError` (added when NODE_ENV is development), whose message may
 * quote the request. Errors graphql-js leaves without a code are, with a `path`,
 * a field's unexpected failure, and without one, a request it refused.
 */
export function errorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (isAsyncIterable(result)) setResult(mapAsyncIterator(result, withCodes));
      else setResult(Array.isArray(result) ? result.map(withCodes) : withCodes(result));
    },
  };
}

function withCodes<T extends ExecutionResult>(result: T): T {
  if (!result.errors?.some((error) => !error.extensions?.code || 'originalError' in (error.extensions ?? {}))) return result;
  return { ...result, errors: result.errors.map(withCode) };
}

function withCode(error: GraphQLError): GraphQLError {
  const { originalError: _quoted, ...extensions } = error.extensions ?? {};
  if (extensions.code && !_quoted) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...extensions, code: extensions.code ?? (error.path ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT') },
  });
}
