import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { KafkaClientConfig } from '../../lib/kafka/client';
import type { KafkaSettings } from './config';
import { SecretError } from './errors';

export type SecretReader = (secretArn: string) => Promise<string>;

const secretsManagerReader =
  (region: string): SecretReader =>
  async (secretArn) => {
    const client = new SecretsManagerClient({ region });
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (out.SecretString === undefined) throw new SecretError(`secret ${secretArn} has no string`);
    return out.SecretString;
  };

/** Turns the environment's Kafka settings into a client configuration, reading the SCRAM secret. */
export async function kafkaClientConfig(
  settings: KafkaSettings,
  clientId: string,
  readSecret: SecretReader = secretsManagerReader(settings.region),
): Promise<KafkaClientConfig> {
  const base = { brokers: settings.brokers, clientId, tls: settings.tls };
  switch (settings.auth) {
    case 'none':
      return { ...base, auth: { type: 'none' } };
    case 'msk-iam':
      return { ...base, auth: { type: 'msk-iam', region: settings.region } };
    case 'scram-sha-512': {
      if (settings.username && settings.password && !settings.saslSecretArn) {
        return {
          ...base,
          auth: { type: 'scram-sha-512', username: settings.username, password: settings.password },
        };
      }
      const arn = settings.saslSecretArn!;
      let parsed: { username?: unknown; password?: unknown };
      try {
        parsed = JSON.parse(await readSecret(arn));
      } catch (cause) {
        throw new SecretError(`could not read the SCRAM secret ${arn}`, { cause });
      }
      if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
        throw new SecretError(`secret ${arn} must be JSON { "username", "password" }`);
      }
      return {
        ...base,
        auth: { type: 'scram-sha-512', username: parsed.username, password: parsed.password },
      };
    }
  }
}
