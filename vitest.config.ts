import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs in process on hand-built inputs and seeded data
// (tests/unit mirrors the source tree); `e2e` runs the real CLI, real git
// repositories, the local GitHub server and Chromium, on fixture databases
// built once per run (tests/support/global-setup.ts).
// `npx vitest run --project unit` runs the fast half alone.
//
// Files run in parallel, one worker more than the machine has cores: an e2e
// test spends much of its time waiting for the processes it starts (the CLI,
// git, Chromium) and the build-timing tests sleep on purpose, so with one
// worker per core a small CI machine's two cores were busy 86 % of the time
// (93 % with three workers). The build-timing tests' budgets and outliers keep seconds of
// margin for a core shared three ways. DX_TEST_WORKERS overrides the count.
const workers = Number(process.env['DX_TEST_WORKERS']) || availableParallelism() + 1;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: workers,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        // in process and without global state between files: one module load per worker, not per file
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/unit/**'],
          // One module load per worker here too: no test file changes global
          // state, and reloading the product, octokit, playwright and GitHub's
          // GraphQL schema (built in 0.5 s) for every file cost a fifth of the
          // e2e tests' CPU time (the GitHub tests: 91 s of CPU isolated, 65 s not).
          isolate: false,
          globalSetup: ['tests/support/global-setup.ts'],
        },
      },
    ],
  },
});
