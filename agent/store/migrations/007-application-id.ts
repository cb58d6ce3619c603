// Marks the file as a dx-audit database in its header (PRAGMA application_id),
// so a SQLite file of another application is refused instead of extended;
// and keeps the first error line of a failed build run, so a failed build is
// reported with its cause rather than as "no build timed".
import type { Migration } from '../migrate.js';

/** "DXAU" as a 32-bit number: the value of PRAGMA application_id in every dx-audit database. */
export const APPLICATION_ID = 0x44584155;

export const applicationId: Migration = {
  version: 7,
  name: 'application-id',
  sql: `
PRAGMA application_id = ${APPLICATION_ID};
ALTER TABLE build_runs ADD COLUMN first_error_line TEXT;
`,
};
