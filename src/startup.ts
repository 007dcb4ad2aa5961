/**
 * What the entry points (`npm start`, `npm run emulator`) say when they cannot start:
 * configuration mistakes and taken ports are the user's to fix, so they get one plain
 * line naming what to change and a non-zero exit, not a stack trace.
 */

/** Prints `message` to stderr and exits with status 1. */
export function exitWith(message: string): never {
  console.error(message);
  process.exit(1);
}

/**
 * Reads every part of the configuration before giving up on any, so that all the
 * problems are printed at once, one plain line each (the readers throw only messages
 * meant for the user).
 */
export function readConfig<T extends Record<string, () => unknown>>(readers: T): { [K in keyof T]: ReturnType<T[K]> } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(readers)) {
    try {
      values[name] = read();
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) exitWith(problems.join('\n'));
  return values as { [K in keyof T]: ReturnType<T[K]> };
}

export interface Binding {
  port: number;
  host: string;
  /** The settings that chose them, named in the explanation. */
  portVariable: string;
  hostVariable: string;
  /** The command the example in the explanation runs. */
  command: string;
}

/** Binds a server; an address that cannot be had is explained in terms of the setting to change. */
export async function listenOn<T>(listen: () => Promise<T>, { port, host, portVariable, hostVariable, command }: Binding): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const example = `e.g. ${portVariable}=${port + 100} ${command}`;
    if (code === 'EADDRINUSE') exitWith(`Port ${port} is in use: set ${portVariable} to another port (${example}).`);
    if (code === 'EACCES') exitWith(`Port ${port} needs privileges this process lacks: set ${portVariable} to another port (${example}).`);
    if (code === 'ERR_SOCKET_BAD_PORT') exitWith(`${portVariable} must be a port number from 0 to 65535, got ${port}.`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') exitWith(`${hostVariable} "${host}" is not an address of this machine: set ${hostVariable} to one (e.g. 127.0.0.1).`);
    throw error;
  }
}
