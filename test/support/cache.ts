import { vi } from 'vitest';
import type { TestStack } from './gateway.js';
import { WAIT } from './waiting.js';

async function emitted(stack: TestStack): Promise<Array<{ event_id: string; type: string }>> {
  return ((await (await fetch(`${stack.emulatorUrl}/_emulator/events`)).json()) as { events: Array<{ event_id: string; type: string }> }).events;
}

/**
 * Call once the stack is up, before the test makes changes: the returned function resolves
 * once every webhook event the emulator has emitted so far was applied by the gateway, and
 * gives the types of those emitted since its last call (to show which webhook did the work).
 */
export function trackWebhooks(stack: TestStack): () => Promise<string[]> {
  const applied = new Set<string>();
  let seen = 0;
  stack.gateway.webhooks!.processor.onApplied((event) => void applied.add(event.eventId));
  return async () => {
    const events = await emitted(stack);
    await vi.waitUntil(() => events.every((e) => applied.has(e.event_id)), WAIT);
    const types = events.slice(seen).map((e) => e.type);
    seen = events.length;
    return types;
  };
}
