import { vi } from 'vitest';
import { WAIT } from './waiting.js';

/** How long a test waits for a bulk operation to end: exports read hundreds of pages' calls on a loaded machine. */
export const BULK_WAIT = { timeout: 120_000, interval: 100 };

/** A large seller made by the emulator's control plane (POST /_emulator/seed) for the merchant of `token`. */
export async function seedSeller(
  emulatorUrl: string,
  token: string,
  body: { customers: number; cards_per_customer?: number; gift_cards_every?: number; orders_per_customer?: number },
): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/seed`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`seed failed: ${response.status} ${await response.text()}`);
}

export type Line = Record<string, unknown> & { id?: string; __parentId?: string };

/** A file served at a bulk operation's URL: its lines parsed, each ending in a newline; and its size in bytes. */
export async function download(url: string): Promise<{ lines: Line[]; text: string; bytes: number; response: Response }> {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`download failed: ${response.status} ${text}`);
  if (text !== '' && !text.endsWith('\n')) throw new Error('the file does not end with a newline');
  const lines = text === '' ? [] : text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as Line);
  return { lines, text, bytes: Buffer.byteLength(text), response };
}

const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELED']);

/** Waits until `read` answers an operation that has ended (COMPLETED, FAILED or CANCELED), and returns it. */
export async function ended<T extends { status: string }>(read: () => Promise<T | null | undefined>, wait = BULK_WAIT): Promise<T> {
  return vi.waitUntil(async () => {
    const operation = await read();
    return operation && ENDED.has(operation.status) ? operation : false;
  }, wait);
}

/** Waits until `read` answers an operation that is RUNNING and has written at least `objects` lines. */
export async function runningWith<T extends { status: string; objectCount: string }>(read: () => Promise<T | null | undefined>, objects: number): Promise<T> {
  return vi.waitUntil(async () => {
    const operation = await read();
    return operation?.status === 'RUNNING' && Number(operation.objectCount) >= objects ? operation : false;
  }, { ...WAIT, timeout: BULK_WAIT.timeout });
}

/** Lines in an order of their own (by their JSON), for comparing files "up to order". */
export const sorted = (lines: Line[]) => lines.map((line) => JSON.stringify(line)).sort();
