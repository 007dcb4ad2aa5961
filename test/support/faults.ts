import { expect } from 'vitest';
import type { TestStack } from './gateway.js';

/** Makes the emulator apply the next matching write and then fail to answer it: drop the connection, or answer 500. */
export async function failAfterCommit(stack: TestStack, method: string, path: string, mode: 'drop' | '500'): Promise<void> {
  await addFault(stack, { method, path, after_commit: mode, count: 1 });
}

/** Makes the emulator answer the next matching call with a 500 without handling it. */
export async function failBeforeCommit(stack: TestStack, method: string, path: string): Promise<void> {
  await addFault(stack, { method, path, status: 500, count: 1 });
}

/** Any fault the emulator's control plane takes (see README: POST /_emulator/faults). */
export async function addFault(stack: TestStack, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  expect(response.ok).toBe(true);
}

export const clearFaults = (stack: TestStack) => fetch(`${stack.emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
