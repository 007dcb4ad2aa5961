import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, maskError, type MaskError, type Plugin, type YogaLogger } from 'graphql-yoga';
import { requestLogger, type CarriesLogger, type Logger } from './logger.js';

/** The failure behind each error yoga masked, until errorCodes logs it with the request's id. */
const maskedCauses = new WeakMap<GraphQLError, unknown>();
const causesLoggedHere = new WeakSet<object>();

/** yoga's masking, remembering what each masked error hides, for errorCodes to log with the request's id. */
export const maskUnexpected: MaskError = (error, message, isDev) => {
  const masked = maskError(error, message, isDev);
  if (masked !== error && masked instanceof GraphQLError) {
    maskedCauses.set(masked, error);
    if (typeof error === 'object' && error !== null) causesLoggedHere.add(error);
  }
  return masked;
};

/** Whether errorCodes logs this failure itself, with the request's id (yoga's own line about it is then redundant). */
export const loggedByErrorCodes = (value: unknown): boolean => typeof value === 'object' && value !== null && causesLoggedHere.has(value);

/**
 * Every error a caller gets has `extensions.code`, and none carries yoga's
 * `extensions.originalError` (added when NODE_ENV is development), whose message may
 * quote the request. An error graphql-js or a plugin raised without a code is, with a
 * `path`, a field's unexpected failure: masked as yoga masks thrown errors, since its
 * message may quote an argument (Pothos's "Invalid global ID: <id>"), and logged. Without
 * a path it is a request graphql-js refused, and its message names no value. What yoga
 * masked (with `maskUnexpected`) is logged here too, once: both on the request's logger
 * (a child of `base`), so that the lines carry the request's id.
 */
export function errorCodes(base: Logger): Plugin<Record<string, unknown>, CarriesLogger> {
  const coded = (errors: ReadonlyArray<GraphQLError> | undefined, logger: Pick<YogaLogger, 'error'>) => {
    for (const error of errors ?? []) {
      const cause = maskedCauses.get(error);
      if (cause === undefined) continue;
      maskedCauses.delete(error);
      logger.error(cause);
    }
    return errors?.some((error) => !error.extensions?.code || 'originalError' in (error.extensions ?? {}))
      ? errors.map((error) => withCode(error, logger))
      : errors;
  };
  // With @defer and @stream, the parts after the first carry their errors in `incremental`.
  const withCodes =
    (logger: Pick<YogaLogger, 'error'>) =>
    <T extends ExecutionResult & { incremental?: ReadonlyArray<{ errors?: ReadonlyArray<GraphQLError> }> }>(result: T): T => {
      const errors = coded(result.errors, logger);
      const incremental = result.incremental?.map((part) => {
        const partErrors = coded(part.errors, logger);
        return partErrors === part.errors ? part : { ...part, errors: partErrors };
      });
      const changed = errors !== result.errors || incremental?.some((part, i) => part !== result.incremental?.[i]);
      if (!changed) return result;
      return { ...result, errors, ...(incremental ? { incremental } : {}) };
    };
  return {
    onResultProcess({ result, setResult, serverContext }) {
      const log = requestLogger(serverContext, base);
      const coding = withCodes({ error: (error: unknown) => log.error({ err: error }, error instanceof Error ? error.message : 'Unexpected error') });
      if (isAsyncIterable(result)) setResult(mapAsyncIterator(result, coding));
      else setResult(Array.isArray(result) ? result.map(coding) : coding(result));
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
