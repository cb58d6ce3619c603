// The clean step before a cold build. It runs the ecosystem's own clean
// command, or removes known output folders — and only those git ignores and
// holds no tracked file in, so no untracked source can ever be deleted.
import { existsSync, lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WorkError } from '../../agent/errors.js';
import { gitOrNull } from '../git/repository.js';
import type { CleanPlan } from './detect.js';
import { timeProcess } from './runner.js';
import { displayCommand } from './shell-words.js';

export interface CleanResult {
  removed: string[];
  /** Output folders left in place, with the reason. */
  kept: string[];
}

/** Runs the clean plan in `root`; throws a WorkError when the clean command fails. */
export async function runClean(
  plan: CleanPlan,
  root: string,
  options: { timeoutMs: number | null; signal?: AbortSignal },
): Promise<CleanResult> {
  if (plan.kind === 'command') {
    const run = await timeProcess(plan.argv, {
      cwd: root,
      stdio: 'capture',
      group: true,
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (run.interrupted) return { removed: [], kept: [] };
    if (run.spawnError || run.timedOut || run.exitCode !== 0) {
      const how = run.spawnError
        ? `could not start (${run.spawnError.code})`
        : run.timedOut
          ? 'timed out'
          : run.signal
            ? `was killed by ${run.signal}`
            : `exited with ${run.exitCode}`;
      const last = run.outputTail.trim().split('\n').at(-1) ?? '';
      throw new WorkError(
        `the clean step \`${displayCommand(plan.argv)}\` ${how}${last ? `: ${last.slice(0, 200)}` : ''}`,
        { fix: 'fix it, or pass a working one with --clean CMD' },
      );
    }
    return { removed: [], kept: [] };
  }
  return removeOutputFolders(root, plan.folders);
}

/** Removes each folder that exists, is ignored by git, and contains no tracked file. */
export async function removeOutputFolders(root: string, folders: readonly string[]): Promise<CleanResult> {
  const removed: string[] = [];
  const kept: string[] = [];
  for (const folder of folders) {
    const full = join(root, folder);
    if (!existsSync(full)) continue;
    if (!lstatSync(full).isDirectory()) {
      kept.push(`${folder} (not a folder)`);
      continue;
    }
    const tracked = await gitOrNull(root, ['ls-files', '-z', '--', folder]);
    if (tracked === null || tracked !== '') {
      kept.push(`${folder} (holds files tracked by git)`);
      continue;
    }
    // check-ignore prints the path when it is ignored (its exit status alone is not reliable here)
    const ignored = await gitOrNull(root, ['check-ignore', '--', `${folder}/`]);
    const untracked = await gitOrNull(root, [
      'ls-files',
      '-z',
      '--others',
      '--exclude-standard',
      '--',
      folder,
    ]);
    if (!ignored || untracked !== '') {
      kept.push(`${folder} (not ignored by git, so it may hold source)`);
      continue;
    }
    rmSync(full, { recursive: true, force: true });
    removed.push(folder);
  }
  return { removed, kept };
}
