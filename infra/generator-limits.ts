import { DEFAULT_STOP_BEFORE_TIMEOUT_MS } from '../functions/generator/limits';

/**
 * Readings per second the generator is assumed to send on one full vCPU. Measured in process
 * (`npm run bench:generator`, local Kafka, the handler's own code path): about 12,500/s on one
 * core of a shared 2-core machine; this assumes half of that, since the deployed rate has not
 * been measured in the Lambda runtime and a cap that is too high lets a request run into the
 * timeout.
 */
export const ASSUMED_GENERATOR_READINGS_PER_VCPU_SECOND = 6_000;

/** Lambda gives a function one full vCPU at 1,769 MB and a proportional share below it. */
export const LAMBDA_MB_PER_VCPU = 1_769;

/** The rate the cap assumes for a function of this memory size. */
export function assumedGeneratorRate(memoryMb: number): number {
  return Math.floor(
    ASSUMED_GENERATOR_READINGS_PER_VCPU_SECOND * Math.min(1, memoryMb / LAMBDA_MB_PER_VCPU),
  );
}

/**
 * The most readings one generator invocation accepts: what it sends at `readingsPerSecond`
 * in its timeout, less the time it keeps back to report before the timeout.
 */
export function generatorMaxReadings(timeoutSeconds: number, readingsPerSecond: number): number {
  const sendingMs = timeoutSeconds * 1000 - DEFAULT_STOP_BEFORE_TIMEOUT_MS;
  return Math.max(1, Math.floor((readingsPerSecond * sendingMs) / 1000));
}
