import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { ApiKeyRing } from './api-keys.js';

export interface KeysFileLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

/** How often the file's size and time are compared, for where file events do not come (network mounts, some editors' renames). */
const POLL_MS = 5_000;

/**
 * Keeps `ring` equal to the keys file at `path`: read again when it changes (fs.watch,
 * a stat every 5 s, or `reload()`, which `npm start` calls on SIGHUP). A file that
 * cannot be read or is not a valid keys file is logged and the last good keys stay.
 */
export function watchKeysFile(ring: ApiKeyRing, path: string, logger: KeysFileLogger): { reload(): Promise<void>; close(): void } {
  let seen = '';
  let reading: Promise<void> = Promise.resolve();
  const reload = () => {
    reading = reading.then(async () => {
      try {
        const next = ApiKeyRing.parse(await readFile(path, 'utf8'), path);
        ring.replaceWith(next);
        logger.info(`gateway API keys reloaded from ${path}: ${next.size} valid`);
      } catch (error) {
        logger.warn(`gateway API keys NOT reloaded, the last good ones stay in use: ${(error as Error).message}`);
      }
    });
    return reading;
  };
  const changed = async () => {
    const info = await stat(path).catch(() => undefined);
    const version = info ? `${info.size}:${info.mtimeMs}:${info.ino}` : 'missing';
    if (version === seen) return;
    const first = seen === '';
    seen = version;
    if (!first) await reload();
  };
  void changed();
  let watcher: FSWatcher | undefined;
  try {
    // A file replaced by a rename may leave this watcher on the old one: the poll still sees the new one.
    watcher = watch(path, { persistent: false }, () => void changed());
    watcher.on('error', () => watcher?.close());
  } catch {
    // Polling alone, then.
  }
  const poll = setInterval(() => void changed(), POLL_MS);
  poll.unref();
  return {
    reload,
    close: () => {
      clearInterval(poll);
      watcher?.close();
    },
  };
}
