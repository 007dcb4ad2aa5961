import DataLoader from 'dataloader';

/** Splits ids into Square's batch sizes. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Follows Square's cursors until the last page; a cursor is only present when another page exists. */
export async function collectPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; cursor?: string | null | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    all.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return all;
}

/** Objects by id out of a seller-wide list, or their own Retrieve when the list does not hold them (made since it was read). */
export function byIdFrom<T extends { id?: string | undefined }>(all: () => Promise<T[]>, retrieve: DataLoader<string, T | null>) {
  return new DataLoader<string, T | null>(async (ids) => {
    let listed: T[];
    try {
      listed = await all();
    } catch (error) {
      return ids.map(() => error as Error);
    }
    return Promise.all(ids.map((id) => listed.find((item) => item.id === id) ?? retrieve.load(id).catch((error: Error) => error)));
  });
}
