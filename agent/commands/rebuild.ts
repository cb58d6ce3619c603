// `dx-audit rebuild`: re-extracts the normalised GitHub tables from the raw
// responses already stored, without asking GitHub anything.

import { existsSync } from 'node:fs';
import { rebuildGithub } from '../../collectors/github/rebuild.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { Db } from '../store/db.js';
import { count } from '../util/plural.js';

export async function run(context: Context): Promise<number> {
  if (!existsSync(context.dbPath)) {
    throw new InputError(`no database at ${context.dbPath}`, {
      fix: 'run `dx-audit collect github` first, or pass --db FILE',
    });
  }
  const db = await Db.open(context.dbPath);
  try {
    const results = await rebuildGithub(db, {
      signal: context.signal,
      onProgress: (text) => context.progress.update(text),
    });
    context.progress.done();
    if (context.json) {
      context.out(JSON.stringify({ database: context.dbPath, repositories: results }, null, 2));
    } else if (results.length === 0) {
      context.note(
        'dx-audit: no stored GitHub responses to rebuild from; run `dx-audit collect github` first',
      );
    } else {
      for (const r of results) {
        context.note(
          `${r.repository}: ${count(r.pullRequests, 'pull request')}, ${count(r.runAttempts, 'run attempt')} re-extracted`,
        );
      }
    }
  } finally {
    await db.close();
  }
  return 0;
}
