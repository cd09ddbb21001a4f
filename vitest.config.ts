import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          // The Lambda-runtime tests run the bundles as Lambda does, against the same services.
          include: ['test/integration/**/*.test.ts', 'test/lambda-runtime/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // The suites share one set of local services; running files one at a time keeps
          // timing-sensitive checks honest on a 2-core machine.
          fileParallelism: false,
        },
      },
      {
        test: {
          // `npm run test:localstack`: deploys the stack to LocalStack and drives the deployed
          // functions; not part of `vitest run` without --project (it needs LocalStack).
          name: 'localstack',
          include: ['test/localstack/**/*.test.ts'],
          globalSetup: ['test/localstack/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 1_200_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
