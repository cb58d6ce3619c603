// `dx-audit merge SHARD.db... --db merged.db`: one database from shards collected
// on separate machines (one per group of repositories), for one report. With
// --only, the named repositories out of a database: how a shard job starts
// from the previous merged database, so its collection stays incremental.
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { Db } from '../store/db.js';
import { checkShards, mergeShard, type ShardMergeResult } from '../store/merge.js';

interface Options {
  only?: string;
}

export async function run(context: Context, shards: string[], options: Options): Promise<number> {
  if (shards.length === 0) {
    throw new InputError('no shard to merge', {
      fix: 'name the shard databases: dx-audit merge shard-1.db shard-2.db --db merged.db',
    });
  }
  const only = options.only === undefined ? undefined : options.only.split(/[\s,]+/).filter(Boolean);
  if (only?.length === 0) {
    throw new InputError('--only names no repository', { fix: 'e.g. --only "octo/api octo/web"' });
  }
  const db = await Db.open(context.dbPath);
  const results: ShardMergeResult[] = [];
  try {
    // every shard is checked before the first one is written, so a bad one changes nothing
    await checkShards(db, shards);
    for (const shard of shards) {
      results.push(await mergeShard(db, shard, only ? { only } : {}));
      const last = results.at(-1)!;
      context.progress.update(`merged ${results.length}/${shards.length} shards (${last.shard})`);
    }
  } finally {
    context.progress.done();
    await db.close();
  }
  if (context.json) {
    context.out(JSON.stringify({ database: context.dbPath, shards: results }, null, 2));
    return 0;
  }
  for (const r of results) {
    const rows = Object.values(r.rowsAdded).reduce((a, b) => a + b, 0);
    context.out(
      `${r.shard}: ${r.repositoriesAdded + r.repositoriesMatched} repositories (${r.repositoriesAdded} new), ${rows} rows added`,
    );
  }
  context.note(`merged ${shards.length} shard(s) into ${context.dbPath}`);
  return 0;
}
