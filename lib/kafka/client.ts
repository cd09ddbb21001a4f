import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import {
  generateAuthToken,
  generateAuthTokenFromCredentialsProvider,
} from 'aws-msk-iam-sasl-signer-js';
import {
  Kafka,
  type KafkaConfig,
  logLevel as KafkaLogLevel,
  Partitioners,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import { KafkaConfigError } from './errors';

export type KafkaAuth =
  | { type: 'none' }
  | { type: 'scram-sha-512'; username: string; password: string }
  | { type: 'msk-iam'; region: string; credentials?: AwsCredentialIdentityProvider };

export interface KafkaClientConfig {
  brokers: string[];
  clientId?: string;
  /** Defaults to true for SASL (SCRAM and MSK IAM), false for plaintext. */
  tls?: boolean;
  auth?: KafkaAuth;
  /** kafkajs log level name; WARN by default (its INFO logs every group rebalance). */
  logLevel?: 'NOTHING' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';
  connectionTimeoutMs?: number;
}

export function createKafka(config: KafkaClientConfig): Kafka {
  if (config.brokers.length === 0) throw new KafkaConfigError('no Kafka brokers configured');
  const auth = config.auth ?? { type: 'none' };
  const tls = config.tls ?? auth.type !== 'none';
  if (auth.type === 'msk-iam' && !tls) {
    throw new KafkaConfigError('MSK IAM authentication requires TLS');
  }
  const kafkaConfig: KafkaConfig = {
    clientId: config.clientId ?? 'sensor-alerts',
    brokers: config.brokers,
    ssl: tls,
    logLevel: KafkaLogLevel[config.logLevel ?? 'WARN'],
    connectionTimeout: config.connectionTimeoutMs ?? 10_000,
  };
  const sasl = saslOptions(auth);
  if (sasl) kafkaConfig.sasl = sasl;
  return new Kafka(kafkaConfig);
}

function saslOptions(auth: KafkaAuth): SASLOptions | undefined {
  switch (auth.type) {
    case 'none':
      return undefined;
    case 'scram-sha-512':
      if (!auth.username || !auth.password) {
        throw new KafkaConfigError('SCRAM-SHA-512 needs a username and a password');
      }
      return { mechanism: 'scram-sha-512', username: auth.username, password: auth.password };
    case 'msk-iam':
      return {
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => {
          const { token } = auth.credentials
            ? await generateAuthTokenFromCredentialsProvider({
                region: auth.region,
                awsCredentialsProvider: auth.credentials,
              })
            : await generateAuthToken({ region: auth.region });
          return { value: token };
        },
      };
  }
}

/**
 * An idempotent producer: with acks=-1 the broker de-duplicates the producer's own retries,
 * so a retried send never writes a reading twice.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** Parses a comma-separated broker list. */
export function parseBrokers(text: string): string[] {
  return text
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}
