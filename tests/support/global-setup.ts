// The fixture audit databases every renderer test reads (a clean one and one
// whose repository text is hostile), built once per test run. The build starts
// here but is not waited for: test files that do not read the fixtures run
// meanwhile, and sharedFixture() (tests/support/report-fixture.ts) waits for the
// mark the build leaves in its folder (FIXTURE_READY, or FIXTURE_FAILED with the
// error).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { tempDir } from './git-repo.js';
import { FIXTURE_FAILED, FIXTURE_READY, fixtureDatabase } from './report-fixture.js';

declare module 'vitest' {
  export interface ProvidedContext {
    fixtureClean: string;
    fixtureEvil: string;
  }
}

/** Builds one fixture and marks its folder ready, or failed with the reason. */
async function build(dir: string, evil: boolean): Promise<void> {
  try {
    await fixtureDatabase(dir, evil);
    writeFileSync(join(dir, FIXTURE_READY), '');
  } catch (error) {
    writeFileSync(
      join(dir, FIXTURE_FAILED),
      error instanceof Error ? (error.stack ?? error.message) : String(error),
    );
  }
}

export default function setup(project: TestProject) {
  const clean = tempDir('dx-audit-fixture-');
  const evil = tempDir('dx-audit-fixture-evil-');
  const building = Promise.all([build(clean, false), build(evil, true)]);
  project.provide('fixtureClean', clean);
  project.provide('fixtureEvil', evil);
  return async () => {
    await building;
    rmSync(clean, { recursive: true, force: true });
    rmSync(evil, { recursive: true, force: true });
  };
}
