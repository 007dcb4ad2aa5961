import { execute, type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayContext } from '../context/gateway-context.js';
import type { BulkOperationRecord, BulkOutcome, BulkStore } from '../store/index.js';
import { PageLines, type Pending } from './lines.js';
import { planBulkQuery, type BulkPlan } from './plan.js';
import { sleep } from '../square/budgeted-fetch.js';

/** Where a run stands after its last chunk: the root connection's cursor, and the pages of nested connections still to read (depth first). */
interface Progress {
  after: string | null;
  done: boolean;
  pending: Pending[];
}

/** A run that cannot go on, with the graph's code of why (its operation FAILS with them). */
export class BulkFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Errors of a page worth reading it again for: Square's or the budget's, passing. */
const TRANSIENT = new Set(['RATE_LIMITED', 'UPSTREAM_TIMEOUT', 'UPSTREAM_ERROR', 'INTERNAL_SERVER_ERROR']);
/** Attempts at one page before the operation fails; waits of 1, 2, 4 and 8 s between them. */
const PAGE_ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 1_000;

export interface RunnerOptions {
  store: BulkStore;
  schema: GraphQLSchema;
  /** This instance, as the leases it holds name it. */
  owner: string;
  leaseMs: number;
  logger: Logger;
  /** A context of the operation's seller and key for one page, its Square calls in the background lane; throws a BulkFailure when there can be none. */
  contextFor(operation: BulkOperationRecord, signal: AbortSignal): Promise<GatewayContext>;
  /** Told of the operation once it has ended here. */
  onFinished(operation: BulkOperationRecord): void;
}


/**
 * Runs a claimed bulk operation from its last checkpoint to its end: the query's pages read
 * one after the other through the gateway's own schema (the loaders and call plan of an
 * interactive request, at background priority), each step's lines appended with the
 * checkpoint after it in one commit. A step that fails before its commit (a crash, a lost
 * lease) is read again by whoever resumes, so the file gets each line once. Only one step's
 * lines are ever held: memory does not grow with the seller's size. Stops, writing nothing
 * more, once `signal` aborts (canceled, lease lost, the gateway closing).
 */
export async function runBulkOperation(options: RunnerOptions, operation: BulkOperationRecord, signal: AbortSignal): Promise<void> {
  const { store, owner, leaseMs } = options;
  const logger = options.logger.child({ bulkOperation: operation.id });
  const lost = new AbortController();
  const stop = AbortSignal.any([signal, lost.signal]);
  // Renewed well before it runs out; a renewal refused means the operation is no longer ours to run.
  const renewal = setInterval(() => {
    store.renew(operation.id, owner, leaseMs).then(
      (ours) => ours || lost.abort(),
      (error: unknown) => logger.warn({ err: error }, 'bulk operation lease could not be renewed'),
    );
  }, leaseMs / 3);
  const finish = async (outcome: BulkOutcome) => {
    const ended = await store.finish(operation.id, owner, outcome);
    if (ended) options.onFinished(ended);
  };
  try {
    const plan = planBulkQuery(options.schema, operation.query);
    if ('problem' in plan) return await finish({ status: 'FAILED', code: plan.problem.code, message: plan.problem.message });
    let progress: Progress = operation.progress ? (JSON.parse(operation.progress) as Progress) : { after: null, done: false, pending: [] };
    while (!stop.aborted) {
      if (progress.pending.length === 0 && progress.done) return await finish({ status: 'COMPLETED' });
      const step = await readStep(options, operation, plan, progress, stop);
      if (stop.aborted) return;
      if (step instanceof BulkFailure) return await finish({ status: 'FAILED', code: step.code, message: step.message });
      const text = step.lines.text();
      const appended = await store.append(operation.id, owner, leaseMs, {
        lines: text,
        objects: step.lines.lines.length,
        rootObjects: step.lines.roots,
        bytes: Buffer.byteLength(text),
        progress: JSON.stringify(step.next),
      });
      if (!appended) return;
      progress = step.next;
    }
  } catch (error) {
    // The store failed: the operation stays RUNNING under a lease that runs out, and is resumed from its last checkpoint.
    logger.error({ err: error }, 'bulk operation stopped; it is resumed from its last checkpoint once its lease runs out');
  } finally {
    clearInterval(renewal);
  }
}

/** Reads the next step (a page of a pending nested connection, or else the next root page), trying again while its errors pass. */
async function readStep(
  options: RunnerOptions,
  operation: BulkOperationRecord,
  plan: BulkPlan,
  progress: Progress,
  signal: AbortSignal,
): Promise<{ lines: PageLines; next: Progress } | BulkFailure> {
  const [pending, ...rest] = progress.pending;
  for (let attempt = 1; ; attempt++) {
    const lines = new PageLines(plan);
    const document: DocumentNode = pending ? plan.followUp(pending.c) : plan.root;
    const variables = pending ? { id: pending.id, after: pending.after } : plan.rootKind === 'connection' ? { after: progress.after } : {};
    let result: ExecutionResult;
    try {
      const ctx = await options.contextFor(operation, signal);
      result = await execute({ schema: options.schema, document, contextValue: ctx, variableValues: variables });
    } catch (error) {
      if (error instanceof BulkFailure) return error;
      throw error;
    }
    const failure = failureOf(result.errors, options.logger);
    if (!failure) {
      const data = result.data as Record<string, unknown> | null | undefined;
      let next: Progress;
      if (pending) {
        lines.followUp(pending.c, pending.id, ((data?.node as Record<string, unknown> | null)?.[fieldKey(plan, pending.c)] ?? null) as never);
        next = { ...progress, pending: [...lines.pending, ...rest] };
      } else if (plan.rootKind === 'connection') {
        const page = lines.rootPage(data?.[plan.rootKey] as never);
        next = { after: page.endCursor ?? progress.after, done: !page.hasNextPage, pending: lines.pending };
      } else {
        lines.rootObject(data?.[plan.rootKey]);
        next = { after: null, done: true, pending: lines.pending };
      }
      return { lines, next };
    }
    if (!TRANSIENT.has(failure.code) || attempt >= PAGE_ATTEMPTS) return failure;
    await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1), signal);
    if (signal.aborted) return failure;
  }
}

const fieldKey = (plan: BulkPlan, index: number) => {
  const { field } = plan.connections[index]!;
  return field.alias?.value ?? field.name.value;
};

/**
 * The first error of a page as the operation reports it: with its code, and its message when it
 * is one of the graph's own (a resolver's unexpected failure is logged, and said in general words).
 */
function failureOf(errors: readonly GraphQLError[] | undefined, logger: Logger): BulkFailure | undefined {
  const first = errors?.[0];
  if (!first) return undefined;
  const code = first.extensions?.code;
  if (typeof code === 'string') return new BulkFailure(code, first.message);
  logger.error({ err: first.originalError ?? first }, 'bulk operation page failed unexpectedly');
  return new BulkFailure('INTERNAL_SERVER_ERROR', 'A page of this bulk operation failed unexpectedly.');
}
