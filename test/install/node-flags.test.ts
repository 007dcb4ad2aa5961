import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gatewayNodeFlags } from '../../scripts/node-flags.js';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
const flags = gatewayNodeFlags(fileURLToPath(new URL('../..', import.meta.url)));
const MiB = 1024 * 1024;

describe("the gateway's Node flags (package.json config.nodeFlags)", () => {
  it('are passed by npm start and npm run start:prod', () => {
    expect(manifest.scripts.start).toMatch(/^node \$npm_package_config_nodeFlags /);
    expect(manifest.scripts['start:prod']).toMatch(/^node \$npm_package_config_nodeFlags /);
  });

  it("limit the heap below 2 GiB, where V8 lets the old generation grow to four times the live heap, and far above the gateway's", () => {
    const limit = Number(execFileSync(process.execPath, [...flags, '-p', "require('node:v8').getHeapStatistics().heap_size_limit"], { encoding: 'utf8' }));
    expect(limit).toBeLessThan(2048 * MiB);
    expect(limit).toBeGreaterThanOrEqual(1024 * MiB);
  });
});
