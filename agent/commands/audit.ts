// `dx-audit audit [PATH...] [--no-build] [--no-github] [--anonymize]`: the main
// job. Collects git history of each clone, times the build and reads GitHub
// when those collectors are installed (and a token exists), then writes the
// dashboard and the weekly report into .dx-audit/ and prints three findings.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ingestPendingBuilds } from '../../collectors/build/pending.js';
import type { LocalRepository } from '../../collectors/git/repository.js';
import type { Context } from '../context.js';
import { DxError, InputError, InterruptedError, WorkError } from '../errors.js';
import { renderDashboard } from '../render/dashboard.js';
import { renderHtml } from '../render/html.js';
import { renderMarkdown } from '../render/markdown.js';
import { analyseForContext, githubTokenAvailable, resolveOutput, writeOutput } from '../render/outputs.js';
import { partialCollections } from '../render/weekly-view.js';
import { Db } from '../store/db.js';
import { count } from '../util/plural.js';
import type { BenchmarkResult } from './build.js';
import { findRepositories } from './init.js';

/** A repository the audit skipped because one of its collection steps failed. */
export interface RepositoryFailure {
  repository: string;
  name: string;
  step: 'git';
  /** The error line, with its fix. */
  reason: string;
}

/** What the build step did with its budget: the counts the summary states. */
export interface BuildStep {
  budgetMinutes: number;
  repositories: number;
  /** Repositories with at least one stored run. */
  timed: number;
  /** Runs stored in all. */
  runs: number;
  /** Of those, runs that failed or timed out. */
  failed: number;
  /** Repositories whose one build ran past what was left of the budget, so nothing was timed. */
  stoppedAtBudget: number;
  /** Repositories not started because the budget was spent. */
  notStarted: number;
}

/** "5 min", "1.5 min", "45 s". */
function minutes(value: number): string {
  return value >= 1 ? `${Number(value.toFixed(1))} min` : `${Math.max(1, Math.round(value * 60))} s`;
}

/** The summary line of the build step: what the budget allowed, in counts. */
export function buildStepLine(step: BuildStep): string {
  const extra = [
    ...(step.stoppedAtBudget > 0 ? [`${step.stoppedAtBudget} stopped at the budget with nothing timed`] : []),
    ...(step.notStarted > 0 ? [`${step.notStarted} not started: the budget was spent`] : []),
  ];
  return `${step.timed} of ${count(step.repositories, 'repository', 'repositories')} timed (${count(step.runs, 'run')}${step.failed > 0 ? `, ${step.failed === step.runs ? (step.runs === 1 ? 'it' : 'all') : step.failed} failed` : ''}) within the build budget of ${step.budgetMinutes} min (--build-budget MINUTES)${extra.length > 0 ? `; ${extra.join('; ')}` : ''}.`;
}

interface Options {
  build?: boolean;
  /** Minutes for the whole build-timing step (default 10). */
  buildBudget?: string;
  github?: boolean;
  anonymize?: boolean;
}

export async function run(context: Context, operands: string[], options: Options): Promise<number> {
  const budget = Number(options.buildBudget ?? '10');
  if (!Number.isFinite(budget) || budget <= 0) {
    throw new InputError(`--build-budget "${options.buildBudget}" is not a number of minutes > 0`, {
      fix: 'e.g. --build-budget 10',
    });
  }
  // PATHs, else the configured repositories that are local folders, else the working directory
  // (or the clones directly inside it). Every path is checked before any work, so bad input changes nothing.
  // configured paths are relative to the config file (as init writes them)
  const base = context.loaded.file ? dirname(context.loaded.file) : context.cwd;
  const configured = context.loaded.config.repositories
    .map((r) => resolve(base, r))
    .filter((r) => existsSync(r));
  let repos: LocalRepository[] = await findRepositories(context, operands.length > 0 ? operands : configured);
  if (repos.length === 0) {
    throw new InputError(`${context.cwd} is not a git repository and holds no clone`, {
      fix: 'run it inside a clone, or pass the folders of the clones: dx-audit audit PATH...',
    });
  }
  const dashboardFile = resolveOutput(context, undefined, 'dashboard.html');
  const markdownFile = resolveOutput(context, undefined, 'report.md');
  const htmlFile = resolveOutput(context, undefined, 'report.html');
  const quietStep: Context = { ...context, json: false };
  const skipped: string[] = [];

  // 1. git history (incremental). A repository whose git fails is skipped with
  // the reason (kept as data in `failures`); the audit fails only when none is left.
  const collectGit = await import('./collect-git.js');
  const failures: RepositoryFailure[] = [];
  const collected: LocalRepository[] = [];
  for (const repo of repos) {
    try {
      await collectGit.run(quietStep, [repo.root], {});
      collected.push(repo);
    } catch (error) {
      if (!(error instanceof DxError) || error instanceof InterruptedError || context.signal.aborted)
        throw error;
      failures.push({ repository: repo.root, name: repo.name, step: 'git', reason: error.line });
      skipped.push(`${repo.name} (its git history could not be read: ${error.line})`);
    }
  }
  if (collected.length === 0) {
    throw new WorkError(
      `no repository could be audited: ${failures.map((f) => `${f.name}: ${f.reason}`).join('; ')}`,
    );
  }
  repos = collected;

  // 2. local build timing — runs `dx-audit build` per repository.
  // One budget for the whole step: each repository plans its runs on an equal
  // share of what is left, and a build is stopped only when all that is left is spent.
  let buildStep: BuildStep | null = null;
  if (options.build === false) skipped.push('build timing (--no-build)');
  else {
    const build = await import('./build.js');
    const step: BuildStep = {
      budgetMinutes: budget,
      repositories: repos.length,
      timed: 0,
      runs: 0,
      failed: 0,
      stoppedAtBudget: 0,
      notStarted: 0,
    };
    buildStep = step;
    const stepStarted = Date.now();
    const whole = `the build budget of ${budget} min`;
    for (const [index, repo] of repos.entries()) {
      const left = budget - (Date.now() - stepStarted) / 60_000;
      if (left <= 0) {
        step.notStarted += 1;
        skipped.push(`build timing of ${repo.name} (${whole} was spent)`);
        continue;
      }
      const share = left / (repos.length - index);
      try {
        await build.run(quietStep, [repo.root], {
          runs: '3',
          warmup: '1',
          budget: String(share),
          deadline: String(left),
          budgetName: `its share of ${whole} (${minutes(share)})`,
          deadlineName: `what was left of ${whole} (${minutes(left)})`,
          onResult: (result: BenchmarkResult) => {
            step.runs += result.runs;
            step.failed += result.failed;
            if (result.runs > 0) step.timed += 1;
          },
        });
      } catch (error) {
        if (!(error instanceof DxError)) throw error;
        if (/ran past what was left of the build budget/.test(error.message)) step.stoppedAtBudget += 1;
        skipped.push(
          /no known build system/.test(error.message)
            ? `build timing of ${repo.name} (no build system detected; time one with \`dx-audit build -- CMD\`)`
            : `build timing of ${repo.name} (${error.message})`,
        );
      }
    }
  }

  // 3. GitHub pull requests, reviews and CI — runs `dx-audit collect github` when a token and a GitHub remote exist.
  const slugs = [...new Set(repos.flatMap((r) => (r.github ? [r.github] : [])))];
  if (options.github === false) skipped.push('GitHub (--no-github)');
  else if (slugs.length === 0) skipped.push('GitHub (no GitHub remote)');
  else if (!(await githubTokenAvailable(context)))
    skipped.push(
      `GitHub (no token found: set GITHUB_TOKEN or GH_TOKEN, or run \`gh auth login\`; then run \`dx-audit collect github ${slugs.join(' ')}\`)`,
    );
  else {
    const github = await import('./collect-github.js');
    try {
      await github.run(quietStep, slugs, {});
    } catch (error) {
      if (!(error instanceof DxError)) throw error;
      context.note(`dx-audit: note: GitHub collection stopped: ${error.line}`);
    }
  }

  // 4. outputs: one analysis, rendered three ways
  const db = await Db.open(context.dbPath);
  await ingestPendingBuilds(db);
  let report: Awaited<ReturnType<typeof analyseForContext>>;
  try {
    // Collection took time: an open-ended window (no --until) now also covers the builds just timed.
    const now = new Date();
    const analysed = context.until === context.now ? { ...context, now, until: now } : context;
    report = await analyseForContext(db, analysed, { anonymize: options.anonymize });
  } finally {
    await db.close();
  }
  writeOutput(dashboardFile, renderDashboard(report));
  writeOutput(markdownFile, renderMarkdown(report));
  writeOutput(htmlFile, renderHtml(report));
  const { headline, findings } = report.verdict;
  const week = report.week.week;
  const partial = partialCollections(report);

  if (context.json) {
    context.out(
      JSON.stringify(
        {
          dashboard: dashboardFile,
          report: { markdown: markdownFile, html: htmlFile, week },
          window: report.window,
          headline,
          findings,
          partial,
          build: buildStep,
          skipped,
          failures,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const lines = [
    '',
    `Window:        ${report.window.statement}`,
    `Dashboard:     ${dashboardFile}`,
    `Weekly report: ${markdownFile}  (and ${htmlFile}), week ${week}`,
    ...(buildStep ? [`Build timing:  ${buildStepLine(buildStep)}`] : []),
    '',
    ...partial.map((p) => `Partial data: ${p}`),
    headline,
    ...findings.slice(0, 3).map((f, i) => `  ${i + 1}. ${f}`),
  ];
  if (skipped.length > 0) lines.push('', `Skipped: ${skipped.join('; ')}.`);
  context.out(lines.join('\n'));
  return 0;
}
