import { Writable } from 'node:stream';
import type { LogLevel } from '../../src/gateway/config.js';
import { createLogger, type Logger } from '../../src/gateway/logger.js';

export interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  [field: string]: unknown;
}

export interface CapturedLogs {
  /** A gateway logger (at `trace` unless told), writing JSON lines here rather than to stdout. */
  logger: Logger;
  lines(): LogLine[];
  /** Every line as written, for searching what must never appear. */
  text(): string;
  clear(): void;
}

/** Captures what a gateway logs, as the JSON lines production would write. */
export function capturedLogs(level: LogLevel = 'trace'): CapturedLogs {
  let written: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  return {
    logger: createLogger({ level, format: 'json', destination }),
    lines: () => written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine),
    text: () => written.join(''),
    clear: () => {
      written = [];
    },
  };
}
