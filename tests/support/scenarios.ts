// Organisations with a known cause of slow delivery planted in them, for
// checking the diagnosis end to end: GitHub data (served by the local GitHub
// test server) and, for every repository, a git clone whose history mirrors the
// merged pull requests (one squashed commit per merged PR at its merge time,
// with the PR's files and line counts). Seeds make every scenario reproducible.
//
// Shared shape: 16 people (dev1..dev16), 3 repositories (service-1..3), 90 days
// ending 2025-06-30, about 36 PRs per person (25–30 merged), bots, drafts,
// force-pushes, squash merges, PRs merged without review. Every push to a PR
// runs CI (and often Lint) on the pushed head, and the PR waits for it.
// Realistic, not shaped after the method: every stage is log-normal, some PRs
// go stale for a week, size slows everyone's change sublinearly, and each
// planted cause makes its affected people 1.4–1.6× slower on the median:
//   builds_ci            one repository's CI queues ~4 min, runs ~40 min, a
//                        quarter of pushes flake and are re-run, and authors
//                        come back hours after runs finish;
//   fragile_architecture a module slows anyone who touches it; the affected
//                        person does ~75 % of their work there;
//   review_bottleneck    one reviewer picks up slowly; the affected people
//                        mostly wait on them;
//   oversized_changes    one person's changes are ~15× the usual size;
//   chance               one person is ~1.45× slower for no system reason;
//   mixed                all four causes, and a control person ×1.2.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCli } from './cli.js';
import { spawnFastImport } from './fast-import.js';
import { gitEnv } from './git-repo.js';
import {
  type GenActor,
  type GeneratorOptions,
  type GenOrg,
  type GenPullRequest,
  generateOrg,
  type PrPlan,
  type Rng,
} from './github-generator.js';
import { startGithubServer } from './github-server/server.js';

export type PlantedCause =
  | 'builds_ci'
  | 'fragile_architecture'
  | 'review_bottleneck'
  | 'oversized_changes'
  | 'none'
  | 'chance'
  | 'mixed';

export const PLANTED_CAUSES: readonly PlantedCause[] = [
  'builds_ci',
  'fragile_architecture',
  'review_bottleneck',
  'oversized_changes',
  'none',
  'chance',
  'mixed',
];

export interface ScenarioRepo {
  /** owner/name on GitHub. */
  slug: string;
  /** The local clone (branch main, origin https://github.com/<slug>.git). */
  path: string;
}

export interface Scenario {
  cause: PlantedCause;
  seed: number;
  org: GenOrg;
  repos: ScenarioRepo[];
  /** Logins the verdict must name with `cause`; [] for none and chance. */
  affected: string[];
  /** Every planted person's expected verdict (mixed: one cause each); the rest expect none. */
  expected: Record<string, PlantedCause>;
  /** Every human login. */
  people: string[];
  /** The window to report on (ISO): the whole generated history. */
  since: string;
  until: string;
  /** What was planted where, in numbers (for tests and messages). */
  plan: ScenarioPlan;
}

/** The planted parameters of a scenario. */
export interface ScenarioPlan {
  /** Login → index of the repository (0-based) they work in. */
  home: Record<string, number>;
  /** builds_ci: the repository with slow CI. */
  slowRepo: number | null;
  /** fragile_architecture: the repository and paths of the fragile module. */
  moduleRepo: number | null;
  moduleFiles: string[];
  /** review_bottleneck: the one reviewer of the affected people's PRs. */
  bottleneckReviewer: string | null;
  /** chance, mixed: the person made slower for no system reason. */
  slightlySlower: string | null;
  /** fragile_architecture: the person doing most of their work in the module. */
  moduleWorker: string | null;
  /** oversized_changes: the person whose changes are oversized. */
  oversized: string | null;
  /** review_bottleneck: the people who mostly wait on the slow reviewer. */
  waiting: string[];
}

export const SCENARIO_PEOPLE = 16;
export const SCENARIO_REPOS = 3;
export const SCENARIO_DAYS = 90;
export const SCENARIO_NOW = '2025-06-30T00:00:00Z';
/** Pull requests per person (bots come on top); about 78 % end merged (25–30 each). */
export const PRS_PER_PERSON = 36;
/** Typical stage durations in hours (log-normal around these medians). */
export const BASE_HOURS = { coding: 6, pickup: 3, review: 5 };
/** Normal CI: queue and duration medians, seconds. */
export const BASE_CI = { queueSec: 30, durationSec: 420 };
/** Slow CI (builds_ci): queue and duration medians, seconds, the flaky share, and the authors' return lag. */
export const SLOW_CI = { queueSec: 4 * 60, durationSec: 40 * 60, flakyRate: 0.25, returnLagSec: 2.5 * 3600 };
/** Factors of the planted causes. */
export const EFFECTS = {
  /** review_bottleneck: pickup median × this when the slow reviewer reviews first. */
  pickup: 4,
  /** ... and the share of the waiting people's PRs they review first, and of everyone else's in the repository. */
  bottleneckShareAffected: 0.8,
  bottleneckShareOthers: 0.1,
  /** fragile_architecture: coding and review of any PR touching the module × these. */
  fragileCoding: 1.8,
  fragileReview: 2.2,
  /** fragile_architecture: share of the affected person's PRs in the module, and of their repo-mates'. */
  moduleShareAffected: 0.75,
  moduleShareOthers: 0.15,
  /** chance: coding and review × this for one person. */
  chance: 1.45,
  /** mixed: the control person, a bit slower for no system reason. */
  control: 1.2,
  /** Share of PRs left stale for 5–9 days (waiting for review or for the author). */
  stale: 0.05,
};

const MODULE = 'src/ledger';
const MODULE_FILES = [
  'ledger.ts',
  'posting.ts',
  'accounts.ts',
  'balance.ts',
  'journal.ts',
  'reconcile.ts',
  'currency.ts',
  'rules.ts',
].map((f) => `${MODULE}/${f}`);
const HOUR = 3600;

/** Work grows with size for everyone, sublinearly: (lines / 150)^0.2, so 15× the lines ≈ 1.7× the work. */
export function sizeFactor(lines: number): number {
  return Math.max(1, lines) ** 0.2 / 150 ** 0.2;
}

/**
 * What holds for everyone's changes after a world's own effects (`coding`,
 * `review` multipliers): larger changes take longer to write and to review,
 * and a few go stale for about a week, waiting for review or for their author.
 */
export function everyonesWork(p: PrPlan, rng: Rng, coding = 1, review = 1): void {
  const size = sizeFactor(p.files * p.linesPerFile);
  p.codingSec = Math.round(p.codingSec * (coding * size));
  p.reviewSec = Math.round(p.reviewSec * (review * size));
  if (rng.chance(EFFECTS.stale)) {
    const days = rng.int(5, 9) * 86_400;
    if (rng.chance(0.5)) p.pickupSec += days;
    else p.reviewSec += days;
  }
}

interface Layout {
  affected: string[];
  expected: Record<string, PlantedCause>;
  home: Record<string, number>;
  plan: ScenarioPlan;
}

function layout(cause: PlantedCause, people: string[]): Layout {
  const home: Record<string, number> = {};
  const plan: ScenarioPlan = {
    home,
    slowRepo: null,
    moduleRepo: null,
    moduleFiles: [],
    bottleneckReviewer: null,
    slightlySlower: null,
    moduleWorker: null,
    oversized: null,
    waiting: [],
  };
  // default: dev1..6 in service-1, dev7..11 in service-2, dev12..16 in service-3
  people.forEach((login, i) => {
    home[login] = i < 6 ? 0 : i < 11 ? 1 : 2;
  });
  const expected: Record<string, PlantedCause> = {};
  switch (cause) {
    case 'builds_ci':
      // three people work only in the slow repository; nobody else does
      people.forEach((login, i) => {
        home[login] = i < 3 ? 0 : i < 10 ? 1 : 2;
      });
      for (const p of people.slice(0, 3)) expected[p] = 'builds_ci';
      plan.slowRepo = 0;
      break;
    case 'fragile_architecture':
      plan.moduleRepo = 0;
      plan.moduleFiles = MODULE_FILES;
      plan.moduleWorker = people[0]!;
      expected[people[0]!] = cause;
      break;
    case 'review_bottleneck':
      plan.bottleneckReviewer = people[5]!;
      plan.waiting = people.slice(0, 2);
      for (const p of plan.waiting) expected[p] = cause;
      break;
    case 'oversized_changes':
      plan.oversized = people[0]!;
      expected[people[0]!] = cause;
      break;
    case 'chance':
      plan.slightlySlower = people[4]!;
      break;
    case 'mixed':
      plan.moduleRepo = 0;
      plan.moduleFiles = MODULE_FILES;
      plan.moduleWorker = people[0]!;
      expected[people[0]!] = 'fragile_architecture';
      plan.oversized = people[1]!;
      expected[people[1]!] = 'oversized_changes';
      plan.bottleneckReviewer = people[10]!;
      plan.waiting = [people[6]!];
      expected[people[6]!] = 'review_bottleneck';
      plan.slowRepo = 2;
      for (const p of people.slice(11)) expected[p] = 'builds_ci';
      plan.slightlySlower = people[7]!;
      break;
    case 'none':
      break;
  }
  return { affected: Object.keys(expected), expected, home, plan };
}

/**
 * Generates the scenario's GitHub data (no git, no files): deterministic for a
 * cause, seed and `share` (the fraction of the usual pull requests, for tests
 * that need an organisation's shape but not enough changes to judge anyone).
 */
export function scenarioOrg(
  cause: PlantedCause,
  seed: number,
  share = 1,
): { org: GenOrg; affected: string[]; expected: Record<string, PlantedCause>; plan: ScenarioPlan } {
  const logins = Array.from({ length: SCENARIO_PEOPLE }, (_, i) => `dev${i + 1}`);
  const { affected, expected, home, plan } = layout(cause, logins);
  const byRepo: string[][] = Array.from({ length: SCENARIO_REPOS }, () => []);
  for (const login of logins) byRepo[home[login]!]!.push(login);
  let actors: GenActor[] = [];
  const actor = (login: string) => actors.find((a) => a.login === login)!;
  const repoIds: number[] = [];
  const waiting = new Set(plan.waiting);

  const tweakPr = (p: PrPlan, rng: Rng) => {
    if (actors.length === 0) return;
    const team = byRepo[p.repo]!;
    // people take turns, so everyone has about the same number of PRs
    if (!p.author.bot) p.author = actor(team[p.index % team.length]!);
    const login = p.author.login;
    const slowReviewer = plan.bottleneckReviewer;
    const mates = team.filter((l) => l !== login && l !== slowReviewer);
    let first = rng.pick(mates.length ? mates : team.filter((l) => l !== login));
    if (slowReviewer && home[slowReviewer] === p.repo && login !== slowReviewer && !p.author.bot) {
      const share = waiting.has(login) ? EFFECTS.bottleneckShareAffected : EFFECTS.bottleneckShareOthers;
      if (rng.chance(share)) first = slowReviewer;
    }
    const second = rng.chance(0.4) ? rng.pick(team.filter((l) => l !== login && l !== first)) : null;
    p.reviewers = [first, ...(second ? [second] : [])].map(actor);
    let coding = 1;
    let review = 1;
    if (first === slowReviewer) p.pickupSec = Math.round(p.pickupSec * EFFECTS.pickup);
    if (login === plan.oversized) {
      p.files = rng.int(10, 30);
      p.linesPerFile = rng.int(40, 120);
    }
    if (plan.moduleRepo !== null && p.repo === plan.moduleRepo && !p.author.bot) {
      const share = login === plan.moduleWorker ? EFFECTS.moduleShareAffected : EFFECTS.moduleShareOthers;
      if (rng.chance(share)) {
        const count = rng.int(1, 4);
        const pool = [...MODULE_FILES];
        const chosen: string[] = [];
        for (let i = 0; i < count; i += 1) chosen.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
        p.fixedPaths = chosen;
        p.files = Math.max(p.files, count);
        coding *= EFFECTS.fragileCoding;
        review *= EFFECTS.fragileReview;
      }
    }
    if (login === plan.slightlySlower) {
      const f = cause === 'mixed' ? EFFECTS.control : EFFECTS.chance;
      coding *= f;
      review *= f;
    }
    everyonesWork(p, rng, coding, review);
  };

  const options: GeneratorOptions = {
    seed,
    org: 'acme',
    repos: SCENARIO_REPOS,
    people: SCENARIO_PEOPLE,
    days: SCENARIO_DAYS,
    now: SCENARIO_NOW,
    repoPrs: byRepo.map((team) => Math.round((team.length * PRS_PER_PERSON * share) / 0.92)),
    runsPerRepo: 12,
    prRuns: true,
    pushAtReady: true,
    pushRate: 0.2,
    lintRate: 0.3,
    largePrRate: 0,
    codingHours: BASE_HOURS.coding,
    pickupHours: BASE_HOURS.pickup,
    reviewHours: BASE_HOURS.review,
    ciQueueSec: BASE_CI.queueSec,
    ciDurationSec: BASE_CI.durationSec,
    tweakPr,
    tweakRun: (run, rng) => {
      if (plan.slowRepo === null || run.repo !== repoIds[plan.slowRepo] || !run.pr) return;
      const lint = run.workflow.name === 'Lint';
      run.queueSec = rng.around(SLOW_CI.queueSec);
      run.durationSec = rng.around(lint ? SLOW_CI.durationSec / 4 : SLOW_CI.durationSec);
      if (!lint && rng.chance(SLOW_CI.flakyRate)) {
        // flaky: failed, re-run after the author notices, passed
        run.attempts = 2;
        run.finalConclusion = 'success';
        run.rerunGapSec = rng.around(SLOW_CI.returnLagSec);
      }
      // the author has moved on and comes back hours after the run ends
      if (!lint) run.returnLagSec = rng.around(SLOW_CI.returnLagSec);
    },
  };
  // The generator makes its people and repositories first; the hooks need them, so a
  // first call with no PRs reveals them (same seed → same ids), then the real one runs.
  const skeleton = generateOrg({ ...options, repoPrs: byRepo.map(() => 0), prsPerRepo: 0, runsPerRepo: 0 });
  actors = skeleton.people;
  repoIds.push(...skeleton.repositories.map((r) => r.id));
  const org = generateOrg(options);
  fitDeletions(org);
  return { org, affected, expected, plan };
}

/** Merged pull requests of a repository in merge order (ties by number). */
export function mergedInOrder(prs: readonly GenPullRequest[]): GenPullRequest[] {
  return prs
    .filter((p) => p.state === 'MERGED' && p.mergedAt !== null)
    .sort((a, b) => a.mergedAt! - b.mergedAt! || a.number - b.number);
}

/**
 * A file cannot lose more lines than it has: walks merged PRs in merge order and
 * lowers deletions to the lines the file holds at that point (new files: 0), and
 * gives a file with no change one added line, so the git mirror's numstat equals
 * the PR's file list. Unmerged PRs keep theirs.
 */
function fitDeletions(org: GenOrg): void {
  for (const repo of org.repositories) {
    const lines = new Map<string, number>();
    for (const pr of mergedInOrder(repo.pullRequests)) {
      for (const f of pr.files) {
        const have = lines.get(f.path) ?? 0;
        f.deletions = Math.min(f.deletions, have);
        // every listed file really changes
        if (f.additions + f.deletions === 0) f.additions = 1;
        lines.set(f.path, have - f.deletions + f.additions);
      }
    }
  }
}

/** Email of a login in the git mirror. */
export function noreplyEmail(login: string): string {
  return `${login}@users.noreply.github.com`;
}

/** How a mirror is written (defaults: squashed, exact). */
export interface MirrorOptions {
  /** Files written more deeply nested (a higher indentation complexity). */
  deepPaths?: ReadonlySet<string>;
  /**
   * 'each': one commit per PR commit (authored at its time, committed at the merge),
   * the PR's files shared out among them, instead of one squashed commit.
   */
  commits?: 'squash' | 'each';
  /** Keep files under this many lines by dropping their oldest lines (numstat then differs). */
  maxLines?: number;
}

/**
 * Writes the git mirror of one repository into `path` (created): one commit per
 * merged PR at its merge time, authored by the PR author, changing exactly the
 * PR's files by its additions and deletions. Lines are unique, so git's numstat
 * reports the same counts. Returns the number of commits written.
 */
export async function writeMirror(
  path: string,
  slug: string,
  prs: readonly GenPullRequest[],
  seed: number,
  options: MirrorOptions = {},
): Promise<number> {
  const deepPaths = options.deepPaths ?? new Set<string>();
  const short = options.maxLines !== undefined;
  mkdirSync(path, { recursive: true });
  const env = { ...process.env, ...gitEnv() };
  await execa('git', ['init', '-q', '-b', 'main'], { cwd: path, env });
  await execa('git', ['remote', 'add', 'origin', `https://github.com/${slug}.git`], { cwd: path, env });
  const merged = mergedInOrder(prs);
  const contents = new Map<string, string[]>();
  let counter = 0;
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4294967296;
  };
  const line = (deep: boolean) => {
    counter += 1;
    const depth = deep ? 2 + Math.floor(next() * 4) : Math.floor(next() * 2);
    const indent = '    '.repeat(depth);
    return short
      ? `${indent}v${counter.toString(36)}()`
      : `${indent}const v${counter.toString(36)} = step(${counter % 89});`;
  };
  const { child, finished } = spawnFastImport(path, env);
  let pending: string[] = [];
  let size = 0;
  const flush = async () => {
    const text = pending.join('');
    pending = [];
    size = 0;
    if (!child.stdin.write(text)) await new Promise<void>((ok) => child.stdin.once('drain', () => ok()));
  };
  let mark = 0;
  for (const pr of merged) {
    const at = Math.floor(pr.mergedAt! / 1000);
    const who = pr.author.login;
    const parts =
      options.commits === 'each' && pr.commits.length > 1
        ? pr.commits.map((c, i) => ({
            authored: Math.floor(c.authoredAt / 1000),
            files: pr.files.filter((_, f) => f % pr.commits.length === i),
          }))
        : [{ authored: at, files: pr.files }];
    for (const [i, part] of parts.entries()) {
      const message = parts.length > 1 ? `${pr.title} (part ${i + 1})\n` : `${pr.title} (#${pr.number})\n`;
      mark += 1;
      let text = `commit refs/heads/main\nmark :${mark}\n`;
      text += `author ${who} <${noreplyEmail(who)}> ${part.authored} +0000\n`;
      text += `committer GitHub <noreply@github.com> ${at} +0000\n`;
      text += `data ${Buffer.byteLength(message)}\n${message}`;
      if (mark > 1) text += `from :${mark - 1}\n`;
      for (const f of part.files) {
        const lines = contents.get(f.path) ?? [];
        const deep = deepPaths.has(f.path);
        const deletions = Math.min(f.deletions, lines.length);
        if (deletions > 0) lines.splice(Math.floor(next() * (lines.length - deletions + 1)), deletions);
        const added: string[] = [];
        for (let n = 0; n < f.additions; n += 1) added.push(line(deep));
        lines.splice(Math.floor(next() * (lines.length + 1)), 0, ...added);
        if (options.maxLines !== undefined && lines.length > options.maxLines) {
          lines.splice(0, lines.length - options.maxLines);
        }
        contents.set(f.path, lines);
        const body = lines.length ? `${lines.join('\n')}\n` : '';
        text += `M 100644 inline ${f.path}\ndata ${Buffer.byteLength(body)}\n${body}`;
      }
      pending.push(`${text}\n`);
      size += text.length;
      if (size > 1 << 22) await flush();
    }
  }
  pending.push('done\n');
  await flush();
  child.stdin.end();
  await finished;
  if (mark > 0) await execa('git', ['reset', '-q', '--hard', 'main'], { cwd: path, env });
  return mark;
}

/** Builds a scenario under `dir`: its GitHub data and a git clone per repository. */
export async function buildScenario(
  cause: PlantedCause,
  seed: number,
  dir: string,
  share = 1,
): Promise<Scenario> {
  const scenario = scenarioData(cause, seed, share);
  const { org, plan } = scenario;
  await Promise.all(
    org.repositories.map(async (repo, i) => {
      const path = join(dir, repo.name);
      const deepPaths = new Set(plan.moduleRepo === i ? plan.moduleFiles : []);
      await writeMirror(path, `${repo.owner}/${repo.name}`, repo.pullRequests, seed * 31 + i, { deepPaths });
      scenario.repos[i] = { slug: `${repo.owner}/${repo.name}`, path };
    }),
  );
  return scenario;
}

/** The scenario's generated data alone, without git clones (`repos` stays empty). */
export function scenarioData(cause: PlantedCause, seed: number, share = 1): Scenario {
  const { org, affected, expected, plan } = scenarioOrg(cause, seed, share);
  const until = org.now;
  const since = until - SCENARIO_DAYS * 24 * HOUR * 1000;
  return {
    cause,
    seed,
    org,
    repos: [] as ScenarioRepo[],
    affected,
    expected,
    people: org.people.map((p) => p.login),
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    plan,
  };
}

/** What runScenario hands back: the parsed JSON report and where the data is. */
export interface ScenarioRun {
  // biome-ignore lint/suspicious/noExplicitAny: the report's shape grows with the report contract
  report: any;
  dbPath: string;
  /** Wall time of each CLI step, ms. */
  timings: { collectGit: number; collectGithub: number; report: number };
}

const SCENARIO_TOKEN = 'ghp_scenarioTokenNeverStored0123456789';

export interface RunScenarioOptions {
  /**
   * 'http' (default): `collect github` against the local GitHub server.
   * 'seed': the same rows written straight into the database by seedOrg (no
   * HTTP; tests/diagnosis/seed-github.test.ts shows they equal what
   * `collect github` stores) — many times faster, for runs over many seeds.
   */
  github?: 'http' | 'seed';
}

/**
 * Runs the real CLI over a scenario, into `<dir>/dx.db`: `collect git <clones>`,
 * then `collect github <slugs> --github-url` against the scenario's data served
 * on 127.0.0.1 (stopped at the end; or seeded, see `github`), then
 * `report --format json --detail --since --until`.
 */
export async function runScenario(
  s: Scenario,
  dir: string,
  options: RunScenarioOptions = {},
): Promise<ScenarioRun> {
  mkdirSync(dir, { recursive: true });
  const dbPath = join(dir, 'dx.db');
  const server =
    options.github === 'seed'
      ? null
      : await startGithubServer(s.org, { token: SCENARIO_TOKEN, validateRest: false });
  const env = { GITHUB_TOKEN: SCENARIO_TOKEN, GH_TOKEN: '', GITHUB_API_URL: '', GITHUB_GRAPHQL_URL: '' };
  const step = async (args: string[]) => {
    const started = Date.now();
    const result = await runCli([...args, '--db', dbPath], { env, cwd: dir });
    if (result.exitCode !== 0) {
      throw new Error(`dx-audit ${args.join(' ')} exited ${result.exitCode}: ${result.stderr.trim()}`);
    }
    return { result, ms: Date.now() - started };
  };
  try {
    const git = await step(['collect', 'git', ...s.repos.map((r) => r.path)]);
    let githubMs: number;
    if (server) {
      const slugs = s.repos.map((r) => r.slug);
      githubMs = (await step(['collect', 'github', ...slugs, '--github-url', server.url])).ms;
    } else {
      const started = Date.now();
      const { seedOrg } = await import('./seed-github.js');
      await seedOrg(dbPath, s.org);
      githubMs = Date.now() - started;
    }
    const report = await step([
      'report',
      '--format',
      'json',
      '--detail',
      '--since',
      s.since,
      '--until',
      s.until,
    ]);
    return {
      report: JSON.parse(report.result.stdout),
      dbPath,
      timings: { collectGit: git.ms, collectGithub: githubMs, report: report.ms },
    };
  } finally {
    await server?.close();
  }
}
