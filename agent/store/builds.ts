// Writes timed build runs and their machines. Keyed on natural ids (run_key,
// machine fingerprint, repository path), so storing a record twice is harmless.
import type { BuildRecord, MachineInfo } from '../../collectors/build/record.js';
import type { Queryable } from './db.js';

/** Stores the records in the caller's transaction; returns how many were new. */
export async function storeBuildRecords(q: Queryable, records: readonly BuildRecord[]): Promise<number> {
  let added = 0;
  const repoIds = new Map<string, number>();
  for (const record of records) {
    await upsertMachine(q, record.machine, record.finishedAt);
    let repoId: number | null = null;
    if (record.git) {
      repoId = repoIds.get(record.git.root) ?? (await repositoryByPath(q, record.git.root, record.git.name));
      repoIds.set(record.git.root, repoId);
    }
    const result = await q.run(
      `INSERT INTO build_runs (run_key, repo_id, cwd, command, argv, kind, mode, outcome, exit_code, signal,
         timed_out, wall_seconds, user_seconds, sys_seconds, peak_rss_bytes, git_commit, git_branch, git_dirty,
         machine_id, started_at, finished_at, run_id, first_error_line)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_key) DO NOTHING`,
      [
        record.runKey,
        repoId,
        record.cwd,
        record.command,
        JSON.stringify(record.argv),
        record.kind,
        record.mode,
        record.outcome,
        record.exitCode,
        record.signal,
        record.timedOut ? 1 : 0,
        record.wallSeconds,
        record.userSeconds,
        record.sysSeconds,
        record.peakRssBytes,
        record.git?.commit ?? null,
        record.git?.branch ?? null,
        record.git?.dirty == null ? null : record.git.dirty ? 1 : 0,
        record.machine.id,
        record.startedAt,
        record.finishedAt,
        record.runId,
        record.firstErrorLine ?? null,
      ],
    );
    added += result.changes;
  }
  return added;
}

/** The machine row: created once, its versions refreshed by newer records only. */
async function upsertMachine(q: Queryable, machine: MachineInfo, seenAt: string): Promise<void> {
  await q.run(
    `INSERT INTO machines (id, hostname, cpu_model, cores, memory_bytes, os, os_release, arch, node_version, tools,
       first_seen, last_seen)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET
       first_seen = min(first_seen, excluded.first_seen),
       os_release = CASE WHEN excluded.last_seen >= last_seen THEN excluded.os_release ELSE os_release END,
       node_version = CASE WHEN excluded.last_seen >= last_seen THEN excluded.node_version ELSE node_version END,
       tools = CASE WHEN excluded.last_seen >= last_seen THEN json_patch(tools, excluded.tools)
                    ELSE json_patch(excluded.tools, tools) END,
       last_seen = max(last_seen, excluded.last_seen)`,
    [
      machine.id,
      machine.hostname,
      machine.cpuModel,
      machine.cores,
      machine.memoryBytes,
      machine.os,
      machine.osRelease,
      machine.arch,
      machine.nodeVersion,
      JSON.stringify(machine.tools),
      seenAt,
      seenAt,
    ],
  );
}

/** The repository with this work-tree path, created with just its name when `collect git` has not seen it. */
async function repositoryByPath(q: Queryable, path: string, name: string): Promise<number> {
  const existing = await q.get<{ id: number }>('SELECT id FROM repositories WHERE path = ?', [path]);
  if (existing) return existing.id;
  const result = await q.run('INSERT INTO repositories (name, path, created_at) VALUES (?, ?, ?)', [
    name,
    path,
    new Date().toISOString(),
  ]);
  return result.lastID;
}
