/**
 * The replay tool adds `"replay": {"source": "..."}` to the Kafka event of a batch it puts
 * back; such a batch is de-duplicated by lineage instead of by the committed offsets.
 */
export function replayMarkerOf(event: unknown): { source: string } | undefined {
  if (event === null || typeof event !== 'object' || !('replay' in event)) return undefined;
  const replay = (event as { replay: unknown }).replay;
  if (replay === null || typeof replay !== 'object') return undefined;
  const source = (replay as { source?: unknown }).source;
  return { source: typeof source === 'string' ? source : 'unknown' };
}
