import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, Repeater, type Plugin } from 'graphql-yoga';
import { allows, presentedKey, SELLER_HEADER } from '../context/authentication.js';
import type { ApiKeyRing } from './api-keys.js';

/**
 * A subscription opened with an API key ends when that key is revoked or removed (the keys
 * file reloaded): its last event is an UNAUTHENTICATED error, then `complete`; one acting for
 * a connected seller also ends, with FORBIDDEN, when the key may no longer act for that seller.
 * Requests need nothing of this: each checks its key against the current keys.
 */
export function endRevokedSubscriptions(ring: ApiKeyRing): Plugin {
  return {
    onSubscribe({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const presented = request && presentedKey(request);
      if (!presented) return;
      const seller = request.headers.get(SELLER_HEADER)?.trim() || undefined;
      const refusal = (): GraphQLError | undefined => {
        const key = ring.find(presented);
        if (!key) return new GraphQLError('This gateway API key was revoked.', { extensions: { code: 'UNAUTHENTICATED' } });
        if (seller !== undefined && !(key.sellers && allows(key.sellers, seller))) {
          return new GraphQLError('This API key may no longer act for this seller.', { extensions: { code: 'FORBIDDEN' } });
        }
        return undefined;
      };
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(untilRevoked(result, refusal, ring));
        },
      };
    },
  };
}

function untilRevoked(source: AsyncIterable<ExecutionResult>, refusal: () => GraphQLError | undefined, ring: ApiKeyRing): AsyncIterableIterator<ExecutionResult> {
  return new Repeater<ExecutionResult>(async (push, stop) => {
    const results = source[Symbol.asyncIterator]();
    const unlisten = ring.onChange(() => {
      const error = refusal();
      if (error) void push({ errors: [error] }).then(() => stop());
    });
    void stop.then(() => {
      unlisten();
      void results.return?.();
    });
    for (let next = await results.next(); !next.done; next = await results.next()) await push(next.value);
    stop();
  });
}
