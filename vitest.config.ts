import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs in process on hand-built inputs and seeded data
// (tests/unit mirrors the source tree); `e2e` runs the real CLI, real git
// repositories, the local GitHub server and Chromium, on fixture databases
// built once per run (tests/support/global-setup.ts).
// `npx vitest run --project unit` runs the fast half alone.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/unit/**'],
          globalSetup: ['tests/support/global-setup.ts'],
        },
      },
    ],
  },
});
