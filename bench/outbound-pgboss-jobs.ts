import type pg from 'pg';
import PgBoss from 'pg-boss';
import type { DeliveryJob, DeliveryJobs, JobsLogger } from '../src/outbound/jobs.js';

const QUEUE = 'outbound_deliver';

export interface PgBossJobsOptions {
  connectionString: string;
  /** pg-boss's own schema; `pgboss` by default. */
  schema?: string | undefined;
  concurrency: number;
  logger: JobsLogger;
}

/** How often each worker polls for jobs (pg-boss has no other way to hear of them): its least. */
const POLLING_INTERVAL_SECONDS = 0.5;

/**
 * The queue measured against graphile-worker (bench/outbound.ts) and not chosen: polling, it
 * carried about half the deliveries a second. Deliveries' jobs in pg-boss: inserted in the caller's transaction (insert with its `db`), and
 * polled by `concurrency` workers on each instance. A job this instance added wakes its own
 * workers at once; other instances' find it at their next poll.
 */
export async function pgBossJobs(options: PgBossJobsOptions): Promise<DeliveryJobs> {
  const boss = new PgBoss({ connectionString: options.connectionString, schema: options.schema ?? 'pgboss', max: 4, schedule: false });
  boss.on('error', (error: Error) => options.logger.error(`pg-boss: ${error.message}`));
  await boss.start();
  await boss.createQueue(QUEUE);
  const workers: string[] = [];
  return {
    add: async (client: pg.PoolClient, jobs: readonly DeliveryJob[]) => {
      if (jobs.length === 0) return;
      const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
      await boss.insert(
        jobs.map((job) => ({ name: QUEUE, data: { id: job.id }, startAfter: job.runAt, retryLimit: 25 })),
        { db },
      );
    },
    wake: () => workers.forEach((worker) => boss.notifyWorker(worker)),
    start: async (attempt) => {
      for (let i = 0; i < options.concurrency; i++) {
        workers.push(
          await boss.work<{ id: string }>(QUEUE, { pollingIntervalSeconds: POLLING_INTERVAL_SECONDS, batchSize: 1 }, async ([job]) => {
            if (job) await attempt(job.data.id);
          }),
        );
      }
    },
    stop: async () => {
      await boss.stop({ graceful: true, wait: true });
    },
  };
}
