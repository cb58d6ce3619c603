// Writing one pending build record: the only part of the pending folder that
// `wrap` needs, kept apart from the ingestion (which needs the database code).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stableHash } from './ids.js';
import type { BuildRecord } from './record.js';

export const FORMAT = 1;

/** Where pending records of a database live: beside it, else (folder not writable) in the temp folder. */
export function pendingDirs(dbPath: string): string[] {
  const hash = stableHash(dbPath);
  return [`${dbPath}.pending`, join(tmpdir(), 'dx-audit-pending', hash)];
}

/** Saves the records for later ingestion; returns the file written. Throws only when no folder is writable. */
export function writePending(dbPath: string, records: readonly BuildRecord[]): string {
  let lastError: unknown;
  const first = records[0];
  const name = `${Date.now()}-${process.pid}-${first?.runKey ?? 'empty'}-${Math.random().toString(36).slice(2, 8)}.json`;
  for (const dir of pendingDirs(dbPath)) {
    try {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, name);
      writeFileSync(`${file}.tmp`, JSON.stringify({ format: FORMAT, records }));
      renameSync(`${file}.tmp`, file);
      return file;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
