/**
 * Prints the `-c key=value` arguments (one per line) that point a LocalStack deployment at the
 * local services. LocalStack started by `npm run services:up -- localstack` runs functions as
 * local processes, so they reach Kafka, S3 and the catalog where this machine does; a LocalStack
 * of localstack/docker-compose.yml runs them in containers, where the compose service names of
 * the stack's defaults apply, and nothing is printed.
 */
import { localEndpoints } from '../local/endpoints';
import { status } from '../local/services/manager';

const [localstack] = await status({ services: ['localstack'] });
if (localstack?.state === 'running') {
  const endpoints = localEndpoints();
  const args = [
    `localstack.endpoint=${endpoints.localstackEndpoint}`,
    `streaming.bootstrapServers=${endpoints.kafkaBrokers}`,
    `localstack.s3Endpoint=${endpoints.s3Endpoint}`,
    `localstack.catalogUri=${endpoints.catalogUri}`,
    `localstack.warehouse=${endpoints.catalogWarehouse}`,
    `localstack.warehouseBucket=${endpoints.warehouseBucket}`,
  ];
  console.log(args.map((arg) => `-c\n${arg}`).join('\n'));
}
