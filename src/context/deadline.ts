import { setMaxListeners } from 'node:events';

/** Aborts when the client goes away or at `deadline` (performance.now()); Node's timeout signals hold nothing once unreachable. */
export function deadlineSignal(clientSignal: AbortSignal, deadline: number): AbortSignal {
  // On Node 24 the server adapter's request signal is not Node's own AbortSignal, which AbortSignal.any
  // refuses (ERR_INVALID_ARG_TYPE); a native signal follows it instead.
  const gone = new AbortController();
  if (clientSignal.aborted) gone.abort(clientSignal.reason);
  else clientSignal.addEventListener('abort', () => gone.abort(clientSignal.reason), { once: true });
  // Made at a request's first Square call, which may come after its deadline: then it is aborted already, as its timer would be.
  const left = Math.ceil(deadline - performance.now());
  const timer = left > 0 ? AbortSignal.timeout(left) : AbortSignal.abort(new DOMException('The request deadline passed.', 'TimeoutError'));
  const signal = AbortSignal.any([gone.signal, timer]);
  // Every call of the request waiting for budget or in flight listens to it: a page of 50 customers is 100 and more.
  setMaxListeners(0, signal);
  return signal;
}
