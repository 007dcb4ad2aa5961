import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, Repeater, type Plugin } from 'graphql-yoga';
import { presentedKey } from '../context/authentication.js';
import { hashKey, type ApiKeyRing } from './api-keys.js';

/**
 * A subscription opened with an API key ends when that key is revoked or removed (the keys
 * file reloaded): its last event is an UNAUTHENTICATED error, then `complete`. Requests
 * need nothing of this: each checks its key against the current keys.
 */
export function endRevokedSubscriptions(ring: ApiKeyRing): Plugin {
  return {
    onSubscribe({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const presented = request && presentedKey(request);
      if (!presented) return;
      const sha256 = hashKey(presented).toString('hex');
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(untilRevoked(result, () => ring.has(sha256), ring));
        },
      };
    },
  };
}

function untilRevoked(source: AsyncIterable<ExecutionResult>, valid: () => boolean, ring: ApiKeyRing): AsyncIterableIterator<ExecutionResult> {
  return new Repeater<ExecutionResult>(async (push, stop) => {
    const results = source[Symbol.asyncIterator]();
    const unlisten = ring.onChange(() => {
      if (valid()) return;
      void push({ errors: [new GraphQLError('This gateway API key was revoked.', { extensions: { code: 'UNAUTHENTICATED' } })] }).then(() => stop());
    });
    void stop.then(() => {
      unlisten();
      void results.return?.();
    });
    for (let next = await results.next(); !next.done; next = await results.next()) await push(next.value);
    stop();
  });
}
