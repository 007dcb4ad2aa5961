import { errors } from './errors.js';

export type ClockMode = 'real' | 'frozen' | 'offset';

/** What `GET /_emulator/clock` answers. */
export interface ClockReading {
  now: string;
  mode: ClockMode;
  /** How far ahead of real time the clock is; 0 in real mode, and in frozen mode as of this reading. */
  offset_ms: number;
}

/**
 * The emulator's time. Everything the emulator dates (created_at, updated_at, webhook events,
 * delayed capture, list windows) reads it, so that a test can move time instead of waiting.
 * It only moves forward: a time earlier than one already handed out would put new objects
 * before old ones and break keyset cursors and Square's ordering.
 */
export class Clock {
  private mode: ClockMode = 'real';
  private offsetMs = 0;
  private frozenAtMs = 0;
  /** The latest time handed out: the clock never goes back before it. */
  private latestMs = -Infinity;

  constructor(private readonly realMs: () => number = Date.now) {}

  nowMs(): number {
    return this.at(this.realMs());
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  read(): ClockReading {
    const real = this.realMs();
    const ms = this.at(real);
    return { now: new Date(ms).toISOString(), mode: this.mode, offset_ms: ms - real };
  }

  /** Time stands still at `ms` until the clock is moved again. */
  freeze(ms: number): void {
    this.refuseBefore(ms, 'frozen_at');
    this.mode = 'frozen';
    this.frozenAtMs = ms;
  }

  /** Real time plus `offsetMs` from now on. */
  offset(offsetMs: number): void {
    this.refuseBefore(this.realMs() + offsetMs, 'offset_ms');
    this.mode = 'offset';
    this.offsetMs = offsetMs;
  }

  /** Moves the clock forward by `ms`, frozen or running as it was. */
  advance(ms: number): void {
    if (ms < 0) throw errors.invalidValue('advance_ms', 'advance_ms must not be negative: the clock only moves forward.');
    if (this.mode === 'frozen') this.frozenAtMs += ms;
    else this.offset(this.offsetMs + ms);
  }

  /**
   * Back to real time, unless that is before a time already handed out: then the clock runs on at real
   * speed from the latest time handed out (mode `offset`), so it stays that far ahead of real time.
   * Only `reset` forgets what was handed out.
   */
  backToReal(): void {
    const real = this.realMs();
    if (real >= this.latestMs) {
      this.mode = 'real';
      this.offsetMs = 0;
    } else {
      this.mode = 'offset';
      this.offsetMs = this.latestMs - real;
    }
  }

  /** Real time and nothing handed out yet: for when every dated object has been wiped. */
  reset(): void {
    this.mode = 'real';
    this.offsetMs = 0;
    this.latestMs = -Infinity;
  }

  /** The clock's time when real time is `real`, remembered as handed out. */
  private at(real: number): number {
    const ms = this.mode === 'frozen' ? this.frozenAtMs : real + this.offsetMs;
    this.latestMs = Math.max(this.latestMs, ms);
    return ms;
  }

  private refuseBefore(ms: number, field: string): void {
    if (ms < this.latestMs)
      throw errors.invalidValue(
        field,
        `The clock cannot move back before ${new Date(this.latestMs).toISOString()}, a time it has already handed out.`,
      );
  }
}

/**
 * The process's clock. One per process, not per emulator: the emulator runs as one process, and
 * the rare process that starts several (a test file) sees them share one time.
 */
export const clock = new Clock();


/** Square's timestamps: RFC 3339 in UTC with milliseconds, by the emulator's clock. */
export function timestamp(): string {
  return clock.now().toISOString();
}
