/**
 * Splits messages, in order, into groups whose summed `sizeOf` stays within `limit`, so that no
 * produce call (one record batch per partition) exceeds what the broker accepts. A message larger
 * than the limit gets a group of its own.
 */
export function sendGroups<T>(
  messages: readonly T[],
  limit: number,
  sizeOf: (message: T) => number,
): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const m of messages) {
    const bytes = sizeOf(m);
    if (current.length > 0 && size + bytes > limit) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(m);
    size += bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
