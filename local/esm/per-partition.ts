import type { LambdaKafkaEvent } from '../../lib/kafka/event';
import type { Invoker } from './invokers';

/**
 * One function environment per partition, as Lambda gives each partition its own: `make` builds
 * a partition's invoker on its first event, and that invoker takes all of the partition's events.
 */
export function perPartition(make: (partition: number) => Invoker): Invoker {
  const byPartition = new Map<number, Invoker>();
  return (event: LambdaKafkaEvent) => {
    const p = Object.values(event.records)[0]?.[0]?.partition ?? 0;
    let invoke = byPartition.get(p);
    if (!invoke) {
      invoke = make(p);
      byPartition.set(p, invoke);
    }
    return invoke(event);
  };
}
