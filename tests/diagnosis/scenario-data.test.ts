// The scenario generator itself: for every planted cause and two seeds, the
// planted property holds in the generated data and CI runs are linked to the
// PRs' pushed commits. One scenario is built with its git clones: they mirror
// the merged PRs commit for commit, it goes through the real CLI end to end
// (served and seeded GitHub data), and the git analysis sees its fragile
// module. Mirroring does not depend on the cause, so one build serves all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { median } from '../../agent/analysis/stats.js';
import { Db } from '../../agent/store/db.js';
import type { GenPullRequest, GenRepository, GenRun } from '../support/github-generator.js';
import {
  buildScenario,
  mergedInOrder,
  noreplyEmail,
  PLANTED_CAUSES,
  type PlantedCause,
  runScenario,
  type Scenario,
  scenarioData,
} from '../support/scenarios.js';

const SEEDS = [1, 2];
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const humans = (s: Scenario) => new Set(s.people);
const merged = (repo: GenRepository) => repo.pullRequests.filter((p) => p.state === 'MERGED');
const allMerged = (s: Scenario) =>
  s.org.repositories.flatMap((r) => merged(r).map((pr) => ({ repo: r.name, index: 0, pr })));
const cycle = (pr: GenPullRequest) =>
  (pr.mergedAt! - Math.min(...pr.commits.map((c) => c.authoredAt))) / 1000;
const size = (pr: GenPullRequest) => pr.files.reduce((n, f) => n + f.additions + f.deletions, 0);
const med = (values: number[]) => median(values) ?? Number.NaN;
/** Wall time of a run's last attempt: run start to its last job's completion (seconds). */
const wall = (run: GenRun) => {
  const a = run.attempts.at(-1)!;
  return (Math.max(...a.jobs.map((j) => j.completedAt ?? 0)) - a.runStartedAt) / 1000;
};
/** Ready → first review by a human other than the author (seconds), or null. */
const pickup = (pr: GenPullRequest) => {
  const first = pr.reviews
    .filter((r) => !r.author.bot && r.author.login !== pr.author.login)
    .map((r) => r.submittedAt);
  return first.length && pr.readyAt !== null ? (Math.min(...first) - pr.readyAt) / 1000 : null;
};
const touches = (pr: GenPullRequest, paths: readonly string[]) =>
  pr.files.some((f) => paths.includes(f.path));

/** Every merged PR's head has a CI run; every PR run sits on a commit of its PR (unless force-pushed away). */
function checkRunsLinked(s: Scenario) {
  for (const repo of s.org.repositories) {
    const runsBySha = new Map<string, GenRun[]>();
    for (const run of repo.runs) runsBySha.set(run.headSha, [...(runsBySha.get(run.headSha) ?? []), run]);
    for (const pr of merged(repo)) {
      const onHead = runsBySha.get(pr.headSha) ?? [];
      expect(onHead.some((r) => r.workflow.name === 'CI' && r.event === 'pull_request')).toBe(true);
      // the PR waits for its checks: every attempt on the merged head finished before the merge
      for (const run of onHead) {
        for (const a of run.attempts) {
          for (const j of a.jobs) expect(j.completedAt!).toBeLessThanOrEqual(pr.mergedAt!);
        }
      }
    }
    const byBranch = new Map(repo.pullRequests.map((p) => [p.headRef, p]));
    const prRuns = repo.runs.filter((r) => r.event === 'pull_request');
    expect(prRuns.length).toBeGreaterThan(repo.pullRequests.length);
    for (const run of prRuns) {
      const pr = byBranch.get(run.branch)!;
      expect(pr).toBeDefined();
      if (!pr.events.some((e) => e.kind === 'head_ref_force_pushed')) {
        expect(pr.commits.map((c) => c.sha)).toContain(run.headSha);
      }
    }
    // push runs on main are not on any PR commit
    const prShas = new Set(repo.pullRequests.flatMap((p) => p.commits.map((c) => c.sha)));
    for (const run of repo.runs.filter((r) => r.event === 'push'))
      expect(prShas.has(run.headSha)).toBe(false);
  }
}

/** The clone holds one commit per merged PR, in merge order, with the PR's author, time, files and line counts. */
async function checkMirror(s: Scenario) {
  for (const [i, repo] of s.org.repositories.entries()) {
    const path = s.repos[i]!.path;
    expect(s.repos[i]!.slug).toBe(`acme/${repo.name}`);
    const origin = await execa('git', ['config', '--get', 'remote.origin.url'], { cwd: path });
    expect(origin.stdout).toBe(`https://github.com/acme/${repo.name}.git`);
    const log = await execa(
      'git',
      ['log', '--reverse', '--no-renames', '--format=%x01%ae %at %ct', '--numstat'],
      {
        cwd: path,
      },
    );
    const commits = log.stdout
      .split('\x01')
      .slice(1)
      .map((chunk) => {
        const [head, ...rest] = chunk.trim().split('\n');
        const files = rest
          .filter((l) => l.trim())
          .map((l) => {
            const [a, d, p] = l.split('\t');
            return { path: p!, additions: Number(a), deletions: Number(d) };
          })
          .sort((x, y) => x.path.localeCompare(y.path));
        return { head: head!, files };
      });
    const expected = mergedInOrder(repo.pullRequests);
    expect(commits.length).toBe(expected.length);
    commits.forEach((c, k) => {
      const pr = expected[k]!;
      const at = pr.mergedAt! / 1000;
      expect(c.head).toBe(`${noreplyEmail(pr.author.login)} ${at} ${at}`);
      expect(c.files).toEqual(
        pr.files
          .map((f) => ({ path: f.path, additions: f.additions, deletions: f.deletions }))
          .sort((x, y) => x.path.localeCompare(y.path)),
      );
    });
  }
}

function checkShape(s: Scenario) {
  expect(s.people.length).toBe(16);
  expect(s.org.repositories.map((r) => r.name)).toEqual(['service-1', 'service-2', 'service-3']);
  expect(s.since).toBe('2025-04-01T00:00:00.000Z');
  expect(s.until).toBe('2025-06-30T00:00:00.000Z');
  const all = allMerged(s).map((m) => m.pr);
  for (const login of s.people) {
    const mine = all.filter((p) => p.author.login === login).length;
    expect(mine, login).toBeGreaterThanOrEqual(20);
    expect(mine, login).toBeLessThanOrEqual(45);
  }
  // the usual mess: bots, PRs opened as drafts, squash merges, force-pushes, PRs merged without review
  expect(all.some((p) => p.author.bot)).toBe(true);
  expect(all.some((p) => p.events.some((e) => e.kind === 'ready_for_review'))).toBe(true);
  expect(all.some((p) => p.squash)).toBe(true);
  expect(all.some((p) => p.events.some((e) => e.kind === 'head_ref_force_pushed'))).toBe(true);
  expect(all.some((p) => !p.author.bot && pickup(p) === null)).toBe(true);
  // every PR and run lies in the window
  for (const repo of s.org.repositories) {
    for (const p of repo.pullRequests) {
      expect(Math.min(...p.commits.map((c) => c.authoredAt))).toBeGreaterThanOrEqual(Date.parse(s.since));
      if (p.mergedAt !== null) expect(p.mergedAt).toBeLessThan(Date.parse(s.until));
    }
  }
}

/** The planted property, measured on the generated data. */
function checkPlanted(cause: PlantedCause, s: Scenario) {
  const all = allMerged(s).map((m) => m.pr);
  const people = humans(s);
  const affected = new Set(s.affected);
  const ofAffected = all.filter((p) => affected.has(p.author.login));
  const ofOthers = all.filter((p) => people.has(p.author.login) && !affected.has(p.author.login));
  const firstReviewer = (p: GenPullRequest) =>
    p.reviews
      .filter((r) => !r.author.bot && r.author.login !== p.author.login)
      .sort((a, b) => a.submittedAt - b.submittedAt)[0]?.author.login ?? null;
  // person-level effects stay realistic: 1.2–2.5× the others' median, never the ×6 of a toy world
  const personRatio = (login: string) =>
    med(all.filter((p) => p.author.login === login).map(cycle)) / med(ofOthers.map(cycle));
  switch (cause) {
    case 'builds_ci': {
      expect(s.affected).toEqual(['dev1', 'dev2', 'dev3']);
      const slow = s.org.repositories[s.plan.slowRepo!]!;
      const rest = s.org.repositories.filter((r) => r !== slow);
      const ci = (repos: GenRepository[]) =>
        repos.flatMap((r) => r.runs.filter((x) => x.event === 'pull_request' && x.workflow.name === 'CI'));
      // ~4 min queue + ~40 min run on the slow repository, minutes elsewhere; a quarter flaky
      expect(med(ci([slow]).map(wall))).toBeGreaterThan(30 * 60);
      expect(med(ci(rest).map(wall))).toBeLessThan(15 * 60);
      const rerun = (runs: GenRun[]) => runs.filter((r) => r.attempts.length > 1).length / runs.length;
      expect(rerun(ci([slow]))).toBeGreaterThan(0.15);
      expect(rerun(ci([slow]))).toBeLessThan(0.45);
      // the affected work only there, nobody else does
      for (const p of merged(slow)) if (!p.author.bot) expect(affected.has(p.author.login)).toBe(true);
      for (const r of rest) for (const p of r.pullRequests) expect(affected.has(p.author.login)).toBe(false);
      for (const login of s.affected) {
        expect(personRatio(login)).toBeGreaterThan(1.2);
        expect(personRatio(login)).toBeLessThan(2.5);
      }
      break;
    }
    case 'review_bottleneck': {
      expect(s.affected).toEqual(['dev1', 'dev2']);
      expect(s.plan.bottleneckReviewer).toBe('dev6');
      // the affected mostly wait on dev6; their repo-mates rarely do
      const byDev6 = (prs: GenPullRequest[]) =>
        prs.filter((p) => firstReviewer(p) === 'dev6').length / prs.length;
      expect(byDev6(ofAffected)).toBeGreaterThan(0.6);
      const mates = ofOthers.filter((p) => s.plan.home[p.author.login] === 0 && p.author.login !== 'dev6');
      expect(byDev6(mates)).toBeLessThan(0.25);
      // dev6 picks up slowly for anyone
      const picks = (prs: GenPullRequest[]) => prs.map(pickup).filter((v): v is number => v !== null);
      expect(med(picks(all.filter((p) => firstReviewer(p) === 'dev6')))).toBeGreaterThan(
        2.5 * med(picks(all.filter((p) => firstReviewer(p) !== 'dev6'))),
      );
      for (const login of s.affected) expect(personRatio(login)).toBeLessThan(2.5);
      break;
    }
    case 'oversized_changes': {
      expect(s.affected).toEqual(['dev1']);
      expect(med(ofAffected.map(size))).toBeGreaterThan(8 * med(ofOthers.map(size)));
      // size slows everyone, sublinearly: others' largest tenth against their typical PR
      const bySize = [...ofOthers].sort((a, b) => size(a) - size(b));
      const top = bySize.slice(Math.floor(bySize.length * 0.9));
      expect(med(top.map(cycle))).toBeGreaterThan(1.05 * med(bySize.map(cycle)));
      expect(personRatio('dev1')).toBeGreaterThan(1.2);
      expect(personRatio('dev1')).toBeLessThan(2.5);
      break;
    }
    case 'fragile_architecture': {
      expect(s.affected).toEqual(['dev1']);
      const files = s.plan.moduleFiles;
      expect(files.length).toBe(8);
      const inModule = (prs: GenPullRequest[]) => prs.filter((p) => touches(p, files));
      // the affected person does most of their work there; others touch it now and then
      expect(inModule(ofAffected).length / ofAffected.length).toBeGreaterThan(0.6);
      const othersInModule = inModule(ofOthers);
      expect(othersInModule.length).toBeGreaterThanOrEqual(10);
      // PRs touching it are slower for everyone else too
      const othersElsewhere = ofOthers.filter((p) => !touches(p, files));
      expect(med(othersInModule.map(cycle))).toBeGreaterThan(1.2 * med(othersElsewhere.map(cycle)));
      expect(personRatio('dev1')).toBeGreaterThan(1.2);
      expect(personRatio('dev1')).toBeLessThan(2.5);
      break;
    }
    case 'mixed': {
      expect(Object.entries(s.expected).sort()).toEqual(
        [
          ['dev1', 'fragile_architecture'],
          ['dev2', 'oversized_changes'],
          ['dev7', 'review_bottleneck'],
          ['dev12', 'builds_ci'],
          ['dev13', 'builds_ci'],
          ['dev14', 'builds_ci'],
          ['dev15', 'builds_ci'],
          ['dev16', 'builds_ci'],
        ].sort(),
      );
      expect(s.plan.slightlySlower).toBe('dev8');
      break;
    }
    case 'none':
    case 'chance': {
      expect(s.affected).toEqual([]);
      expect(s.plan.slightlySlower).toBe(cause === 'chance' ? 'dev5' : null);
      const medians = s.people.map((login) => med(all.filter((p) => p.author.login === login).map(cycle)));
      const overall = med(all.filter((p) => people.has(p.author.login)).map(cycle));
      for (const m of medians) {
        expect(m / overall).toBeGreaterThan(0.6);
        expect(m / overall).toBeLessThan(1.8);
      }
      break;
    }
  }
}

describe.each(PLANTED_CAUSES)('scenario %s', (cause) => {
  const built = new Map(SEEDS.map((seed) => [seed, scenarioData(cause, seed)]));

  it.each(SEEDS)('seed %i: the planted property holds in the generated data', (seed) => {
    const s = built.get(seed)!;
    expect(s.cause).toBe(cause);
    expect(s.seed).toBe(seed);
    checkShape(s);
    checkPlanted(cause, s);
  });

  it.each(SEEDS)('seed %i: runs are linked to the PRs', (seed) => {
    checkRunsLinked(built.get(seed)!);
  });

  it('is the same for the same seed, and differs for another', async () => {
    const { scenarioOrg } = await import('../support/scenarios.js');
    expect(scenarioOrg(cause, 1).org).toEqual(built.get(1)!.org);
    expect(built.get(2)!.org).not.toEqual(built.get(1)!.org);
  });
});

/** The one scenario built with git clones and run through the CLI, served and seeded. */
let cloned: Promise<{ s: Scenario; dir: string }> | null = null;
function clonedScenario() {
  cloned ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dx-scenario-run-'));
    dirs.push(dir);
    return { s: await buildScenario('fragile_architecture', 4, join(dir, 'repos')), dir };
  })();
  return cloned;
}

describe('the scenario with git clones', () => {
  it('mirrors the merged PRs in git', async () => {
    await checkMirror((await clonedScenario()).s);
  });
});

/** The cloned scenario collected by the CLI with its GitHub rows seeded, once. */
let seeded: ReturnType<typeof runScenario> | null = null;
function seededRun() {
  seeded ??= clonedScenario().then(({ s, dir }) => runScenario(s, join(dir, 'seeded'), { github: 'seed' }));
  return seeded;
}

describe('runScenario', () => {
  it('collects the clones and the served GitHub data with the real CLI and reports on them', async () => {
    const { s, dir } = await clonedScenario();
    const { report, dbPath } = await runScenario(s, join(dir, 'run'));
    const prs = s.org.repositories.flatMap((r) => r.pullRequests);
    const mergedCount = prs.filter((p) => p.state === 'MERGED').length;
    // the requested 90 days, clamped to the collected data
    expect(Date.parse(report.window.since)).toBeGreaterThanOrEqual(Date.parse(s.since));
    expect(Date.parse(report.window.until)).toBeLessThanOrEqual(Date.parse(s.until));
    expect(report.window.statement).toContain(report.window.since.slice(0, 10));
    expect(report.repositories.map((r: { github: string }) => r.github).sort()).toEqual(
      s.repos.map((r) => r.slug),
    );
    expect(report.git.commits).toBe(mergedCount);
    expect(report.git.authors).toBe(
      new Set(prs.filter((p) => p.state === 'MERGED').map((p) => p.author.login)).size,
    );
    if (report.pullRequests) expect(report.pullRequests.count).toBe(prs.length);
    const db = await Db.open(dbPath, { readonly: true });
    try {
      const count = async (sql: string) => (await db.get<{ n: number }>(sql))!.n;
      expect(await count('SELECT count(*) AS n FROM github_pull_requests')).toBe(prs.length);
      expect(await count("SELECT count(*) AS n FROM github_pull_requests WHERE state = 'MERGED'")).toBe(
        mergedCount,
      );
      expect(await count("SELECT count(DISTINCT repo_id || ':' || id) AS n FROM github_workflow_runs")).toBe(
        s.org.repositories.reduce((n, r) => n + r.runs.length, 0),
      );
      // GitHub and git data meet in the same three repository rows
      expect(
        await count('SELECT count(*) AS n FROM repositories WHERE path IS NOT NULL AND github IS NOT NULL'),
      ).toBe(3);
      // every merged PR reaches its CI runs through its commits' shas
      expect(
        await count(`SELECT count(*) AS n FROM github_pull_requests p WHERE p.state = 'MERGED' AND EXISTS (
           SELECT 1 FROM github_pr_commits c JOIN github_workflow_runs w ON w.repo_id = c.repo_id AND w.head_sha = c.sha
           WHERE c.repo_id = p.repo_id AND c.pr_number = p.number)`),
      ).toBe(mergedCount);
    } finally {
      await db.close();
    }
    // seeding the GitHub rows instead of serving them gives the same report (collection times and sources aside)
    const fast = await seededRun();
    expect({ ...fast.report, generatedAt: null, collection: null }).toEqual({
      ...report,
      generatedAt: null,
      collection: null,
    });
  }, 180_000);
});

describe('the fragile module as the git analysis sees it', () => {
  it('makes the module files the top hotspots of their repository', async () => {
    const { s } = await clonedScenario();
    const { report } = await seededRun();
    const module = new Set(s.plan.moduleFiles);
    const files = report.git.files as {
      repo: string;
      path: string;
      revisions: number;
      hotspotScore: number | null;
    }[];
    // hotspot scores are relative to each repository: within service-1 the module leads
    const inRepo = files.filter((f) => f.repo === 'service-1' && f.hotspotScore !== null);
    expect(
      inRepo
        .slice(0, 8)
        .map((f) => f.path)
        .sort(),
    ).toEqual([...module].sort());
    // and across the organisation no other file comes near its revisions
    const least = Math.min(
      ...files.filter((f) => f.repo === 'service-1' && module.has(f.path)).map((f) => f.revisions),
    );
    const others = files.filter((f) => !module.has(f.path) && f.path !== 'package-lock.json');
    expect(least).toBeGreaterThan(2 * Math.max(...others.map((f) => f.revisions)));
    // any strongly coupled pair lies inside the module (a change there touches 1–4 of its 8 files)
    const pairs = report.git.coupling as { repo: string; a: string; b: string; shared: number }[];
    for (const pair of pairs) {
      expect(pair.repo).toBe('service-1');
      expect(module.has(pair.a) && module.has(pair.b)).toBe(true);
    }
  }, 180_000);
});
