/**
 * Polls `check` every 20 ms until it returns a truthy value, and returns that value; throws,
 * naming `what` was awaited, after `timeoutMs`. For effects that land asynchronously
 * (webhooks applied, Redis subscriptions made), with room for a loaded CI machine.
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
