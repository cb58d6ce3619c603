// Built once per test run: the fixture audit databases every renderer test
// reads (a clean one and one whose repository text is hostile). Tests reach
// them with sharedFixture() (tests/support/report-fixture.ts).
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { tempDir } from './git-repo.js';
import { fixtureDatabase } from './report-fixture.js';

declare module 'vitest' {
  export interface ProvidedContext {
    fixtureClean: string;
    fixtureEvil: string;
  }
}

export default async function setup(project: TestProject) {
  const clean = tempDir('dx-audit-fixture-');
  const evil = tempDir('dx-audit-fixture-evil-');
  await Promise.all([fixtureDatabase(clean, false), fixtureDatabase(evil, true)]);
  project.provide('fixtureClean', clean);
  project.provide('fixtureEvil', evil);
  return () => {
    rmSync(clean, { recursive: true, force: true });
    rmSync(evil, { recursive: true, force: true });
  };
}
