import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

/** The oldest release of each Node line package.json supports: what `npm install` must not warn about. */
const SUPPORTED = ['20.19.0', '22.13.0', '24.0.0'];

describe('npm install on the supported Node versions', () => {
  it('supports each of them per package.json engines', () => {
    expect(SUPPORTED.filter((version) => !semver.satisfies(version, manifest.engines.node))).toEqual([]);
  });

  it('installs no package whose engines exclude one of them (npm would print EBADENGINE)', () => {
    const excluded = Object.entries(lock.packages).flatMap(([path, entry]) => {
      const range = !entry.engines || Array.isArray(entry.engines) ? undefined : entry.engines.node;
      return range ? SUPPORTED.filter((version) => !semver.satisfies(version, range)).map((version) => `${path} (${range}) excludes ${version}`) : [];
    });
    expect(excluded).toEqual([]);
  });
});
