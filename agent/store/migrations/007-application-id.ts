// Marks the file as a dx-audit database in its header (PRAGMA application_id),
// so a SQLite file of another application is refused instead of extended.
import type { Migration } from '../migrate.js';

/** "DXAU" as a 32-bit number: the value of PRAGMA application_id in every dx-audit database. */
export const APPLICATION_ID = 0x44584155;

export const applicationId: Migration = {
  version: 6,
  name: 'application-id',
  sql: `PRAGMA application_id = ${APPLICATION_ID};`,
};
