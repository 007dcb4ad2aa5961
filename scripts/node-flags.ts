import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node flags a checkout's gateway runs with: package.json's `config.nodeFlags`, which
 * `npm start` and `npm run start:prod` pass (none in a checkout from before it had them).
 */
export function gatewayNodeFlags(cwd = process.cwd()): string[] {
  const { config } = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { config?: { nodeFlags?: string } };
  return config?.nodeFlags?.split(/\s+/).filter(Boolean) ?? [];
}
