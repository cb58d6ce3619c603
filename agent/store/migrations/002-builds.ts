// Placeholder for schema step 2 (local builds); replaced by the real migration when merged.
import type { Migration } from '../migrate.js';

export const builds: Migration = {
  version: 2,
  name: 'builds-placeholder',
  sql: '',
};
