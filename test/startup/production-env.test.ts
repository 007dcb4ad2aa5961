import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** What graphql-js makes of NODE_ENV in a process that loads src/production-env.ts first, as main.ts does. */
function graphqlMode(env: Record<string, string>): string {
  const script = [
    "await import('./src/production-env.ts');",
    "const { GraphQLObjectType, isObjectType } = await import('graphql');",
    // A class of the same name from another realm: the development check throws on it, production answers false.
    "class GraphQLObjectTypeElsewhere { get [Symbol.toStringTag]() { return 'GraphQLObjectType'; } }",
    'let mode; try { isObjectType(new GraphQLObjectTypeElsewhere()); mode = "production"; } catch { mode = "development"; }',
    'console.log(process.env.NODE_ENV, mode, GraphQLObjectType.name);',
  ].join('\n');
  const { NODE_ENV: _, ...rest } = process.env;
  return execFileSync(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], { cwd: root, env: { ...rest, ...env }, encoding: 'utf8' }).trim();
}

describe('the gateway process runs graphql-js in production mode', () => {
  it('when NODE_ENV is unset, without its per-instanceof development check', () => {
    expect(graphqlMode({})).toBe('production production GraphQLObjectType');
  });

  it('keeps a NODE_ENV the caller set', () => {
    expect(graphqlMode({ NODE_ENV: 'development' })).toBe('development development GraphQLObjectType');
  });

  it('is set before anything else main.ts imports is loaded', () => {
    const main = readFileSync(new URL('../../src/main.ts', import.meta.url), 'utf8');
    expect(main.split('\n')[0]).toBe("import './production-env.js';");
  });
});
