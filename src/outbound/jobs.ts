import type pg from 'pg';

/** A delivery's job: attempt it at `runAt` (its head of line is due then). */
export interface DeliveryJob {
  id: string;
  runAt: Date;
}

/** Where a queue library's own trouble is told. */
export interface JobsLogger {
  warn(message: string): void;
  error(message: string): void;
}

/**
 * The job queue that carries deliveries across a PostgreSQL fleet (graphile-worker): which
 * instance attempts which due delivery, and when. The deliveries' state stays in the outbound
 * tables; a job only says "attempt this one then", so a job run twice, or late, changes nothing
 * (the attempt claims its delivery first).
 */
export interface DeliveryJobs {
  /** Adds the jobs in the transaction `client` is in: they exist once, and only if, it commits. */
  add(client: pg.PoolClient, jobs: readonly DeliveryJob[]): Promise<void>;
  /** Told that jobs were just committed on this instance: a queue whose workers only poll looks now. */
  wake?(): void;
  /** Runs `attempt` for each job due, several at once, until `stop`. */
  start(attempt: (id: string) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}
