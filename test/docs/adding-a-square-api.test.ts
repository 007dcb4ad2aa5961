import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The guide's code samples are the project's own code: each sample that names its file
 * (`// src/…` on its first line, or before a part) appears in that file as it is, and any
 * other sample appears in some source file. A sample therefore compiles, and an edit that
 * changes the code without the guide (or the guide without the code) fails here.
 */
const guide = readFileSync('docs/adding-a-square-api.md', 'utf8');
const samples = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim();
const sources = new Map(
  readdirSync('src', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [`src/${file}`, squeeze(readFileSync(`src/${file}`, 'utf8'))]),
);

/** A sample's parts: the text after each `// src/…` line, with that file; a sample without one is a part of any file. */
function parts(sample: string): Array<{ file: string | undefined; code: string }> {
  const pieces = sample.split(/^\/\/ (src\/\S+)\n/m);
  if (pieces.length === 1) return [{ file: undefined, code: sample }];
  const found: Array<{ file: string | undefined; code: string }> = [];
  for (let i = 1; i < pieces.length; i += 2) found.push({ file: pieces[i], code: pieces[i + 1]! });
  return found;
}

describe('docs/adding-a-square-api.md', () => {
  it('has samples of both halves', () => {
    expect(samples.some((s) => s.includes('src/apis/'))).toBe(true);
    expect(samples.some((s) => s.includes('src/emulator/') || s.includes('register'))).toBe(true);
  });

  it.each(samples.flatMap(parts).map((part) => [part.file ?? 'any source file', part.code] as const))('shows %s as it is', (file, code) => {
    const where = file === 'any source file' ? [...sources.values()] : [sources.get(file) ?? ''];
    expect(where.some((text) => text.includes(squeeze(code))), `${file}:\n${code}`).toBe(true);
  });
});
