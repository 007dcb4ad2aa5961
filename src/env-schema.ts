import { z } from 'zod';

/**
 * The pieces both entry points' configurations are written in (src/gateway/config.ts,
 * src/emulator/config.ts): each environment variable is one entry of a zod object, its
 * meaning in `.describe()` and its default in `.default()`, so that the README's table
 * can be checked against the schema. A variable set to the empty string counts as unset.
 */

/** A configuration the user must fix; its message is one plain line per problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Variables whose values are never repeated in a message (they may hold a password or a token). */
export const secret = { secret: true } as const;

export const integer = (min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .refine((raw) => /^\s*-?\d+\s*$/.test(raw) && Number(raw) >= min && Number(raw) <= max, {
      error: max === Number.MAX_SAFE_INTEGER ? `must be an integer ≥ ${min}` : `must be an integer from ${min} to ${max}`,
    })
    .transform(Number);

export const positiveNumber = () =>
  z
    .string()
    .refine((raw) => Number.isFinite(Number(raw)) && Number(raw) > 0, { error: 'must be a number > 0' })
    .transform(Number);

export const url = (protocols: readonly string[], what: string) =>
  z.string().refine((raw) => URL.canParse(raw) && protocols.includes(new URL(raw).protocol), { error: `must be ${what}` });

export const boolean = () => z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).transform((raw) => raw === 'true');

/** A value read by a function that throws messages meant for the user (naming the variable themselves). */
export const readBy = <T>(read: (raw: string) => T) =>
  z.string().transform((raw, ctx) => {
    try {
      return read(raw);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: raw });
      return z.NEVER;
    }
  });

/** Parses `env` with `schema`; every problem at once, one line each, in a ConfigError. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(set);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => problem(schema, issue, set)));
}

function problem(schema: z.ZodObject, issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = issue.path[0];
  // Cross-variable rules write whole sentences; so do readers that name their variable.
  if (typeof name !== 'string' || issue.message.startsWith(`${name} `)) return issue.message;
  const raw = env[name];
  const hidden = z.globalRegistry.get(schema.shape[name] as z.ZodType)?.secret === true;
  return `${name} ${issue.message}${raw === undefined || hidden ? '' : `, got "${raw}"`}`;
}

export interface Variable {
  name: string;
  description: string;
  /** The default as the README writes it, when the schema has one. */
  default: string | undefined;
}

/** The variables a configuration schema reads, for the README's table. */
export function variablesOf(schema: z.ZodObject): Variable[] {
  return Object.entries(schema.shape).map(([name, type]) => {
    const entry = type as z.ZodType;
    const fallback = entry instanceof z.ZodDefault ? (entry.def.defaultValue as unknown) : undefined;
    return { name, description: entry.description ?? '', default: fallback === undefined ? undefined : String(fallback) };
  });
}

declare module 'zod' {
  interface GlobalMeta {
    /** The value may hold a password or a token: messages name the variable only. */
    secret?: boolean;
  }
}
