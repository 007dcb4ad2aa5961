import type pg from 'pg';
import { Logger, run, runMigrations, type Runner } from 'graphile-worker';
import type { DeliveryJob, DeliveryJobs, JobsLogger } from './jobs.js';

const TASK = 'outbound_deliver';

export interface GraphileJobsOptions {
  pool: pg.Pool;
  /** graphile-worker's own schema; `graphile_worker` by default. */
  schema?: string | undefined;
  /** Deliveries attempted at once by this instance. */
  concurrency: number;
  logger: JobsLogger;
}

/** How often jobs due later (retries) are looked for; new jobs arrive by LISTEN/NOTIFY at once. */
const POLL_INTERVAL_MS = 1_000;

/**
 * Deliveries' jobs in graphile-worker: added by SQL in the caller's transaction (add_jobs, keyed by
 * the delivery so that a delivery has one job waiting at most), taken with SKIP LOCKED, and
 * announced with NOTIFY, so that every instance's workers wake on a new job without polling.
 */
export async function graphileJobs(options: GraphileJobsOptions): Promise<DeliveryJobs> {
  const schema = options.schema ?? 'graphile_worker';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`graphile-worker's schema must be a lower-case identifier, got "${schema}"`);
  const logger = new Logger((scope) => (level, message) => {
    if (level === 'error') options.logger.error(`graphile-worker${scope.label ? ` (${scope.label})` : ''}: ${message}`);
    else if (level === 'warning') options.logger.warn(`graphile-worker: ${message}`);
  });
  const shared = { pgPool: options.pool, schema, logger };
  await runMigrations(shared);
  let runner: Runner | undefined;
  return {
    add: async (client, jobs: readonly DeliveryJob[]) => {
      if (jobs.length === 0) return;
      await client.query(
        `SELECT ${schema}.add_jobs(array_agg(($3::text, json_build_object('id', id), NULL::text, at, 25, id, NULL::int, NULL::text[])::${schema}.job_spec))
         FROM unnest($1::text[], $2::timestamptz[]) AS j(id, at)`,
        [jobs.map((job) => job.id), jobs.map((job) => job.runAt), TASK],
      );
    },
    start: async (attempt) => {
      runner = await run({
        ...shared,
        concurrency: options.concurrency,
        pollInterval: POLL_INTERVAL_MS,
        noHandleSignals: true,
        taskList: { [TASK]: async (payload) => attempt((payload as { id: string }).id) },
      });
    },
    stop: async () => {
      await runner?.stop();
    },
  };
}
