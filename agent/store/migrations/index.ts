// The ordered list of schema migrations. Add a file NNN-name.ts and append it here.
import type { Migration } from '../migrate.js';
import { core } from './001-core.js';
import { builds } from './002-builds.js';
import { github } from './003-github.js';
import { architecture } from './004-architecture.js';
import { indexes } from './005-indexes.js';
import { githubRawParams } from './006-github-raw-params.js';
import { applicationId } from './007-application-id.js';
import { dora } from './008-dora.js';
import { githubMalformed } from './009-github-malformed.js';
import { workflowIndex } from './010-workflow-index.js';
import { documentationAttribute } from './011-documentation-attribute.js';

export const migrations: Migration[] = [
  core,
  builds,
  github,
  architecture,
  indexes,
  githubRawParams,
  applicationId,
  dora,
  githubMalformed,
  workflowIndex,
  documentationAttribute,
];

for (const [index, migration] of migrations.entries()) {
  if (migration.version !== index + 1) {
    throw new Error(`migration ${migration.name} has version ${migration.version}, expected ${index + 1}`);
  }
}
