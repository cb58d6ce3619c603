// A seeded generator of an organisation's GitHub data: repositories, pull
// requests (authors, bots, drafts later marked ready, reviews and review
// requests, force-pushes, squash merges, PRs nobody reviewed) and Actions runs
// with jobs (re-runs with attempt > 1, flaky failures, runs still in progress).
// The local GitHub server serves it; tests compute expected values from it.
// All times are whole seconds in epoch milliseconds, so stored values match exactly.

/** A user or bot as the generator knows it. */
export interface GenActor {
  login: string;
  id: number;
  bot: boolean;
}

export interface GenCommit {
  sha: string;
  authoredAt: number;
  committedAt: number;
}

export interface GenReview {
  id: number;
  author: GenActor;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  submittedAt: number;
}

export interface GenFile {
  path: string;
  additions: number;
  deletions: number;
}

export type GenEventKind =
  | 'ready_for_review'
  | 'converted_to_draft'
  | 'head_ref_force_pushed'
  | 'review_requested';

export interface GenEvent {
  kind: GenEventKind;
  at: number;
  actor: GenActor;
  /** review_requested: who was asked. */
  reviewer?: GenActor;
  /** head_ref_force_pushed: head before and after. */
  before?: string;
  after?: string;
}

/** A pull request with everything the GraphQL endpoint serves about it. */
export interface GenPullRequest {
  number: number;
  title: string;
  author: GenActor;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  isDraft: boolean;
  createdAt: number;
  /** Last ready-for-review time (creation unless opened as draft); null while still a draft. */
  readyAt: number | null;
  closedAt: number | null;
  mergedAt: number | null;
  updatedAt: number;
  baseRef: string;
  headRef: string;
  headSha: string;
  squash: boolean;
  comments: number;
  commits: GenCommit[];
  reviews: GenReview[];
  files: GenFile[];
  events: GenEvent[];
  /** Reviewers still requested (not yet reviewed). */
  pendingReviewers: GenActor[];
}

export interface GenJob {
  id: number;
  name: string;
  runner: string | null;
  labels: string[];
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
}

export interface GenAttempt {
  attempt: number;
  runStartedAt: number;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  updatedAt: number;
  jobs: GenJob[];
}

export interface GenWorkflow {
  id: number;
  name: string;
  path: string;
}

/** A workflow run with all its attempts (the REST list shows the last). */
export interface GenRun {
  id: number;
  runNumber: number;
  workflow: GenWorkflow;
  event: 'push' | 'pull_request';
  branch: string;
  headSha: string;
  createdAt: number;
  actor: GenActor;
  attempts: GenAttempt[];
}

export interface GenRepository {
  id: number;
  owner: string;
  name: string;
  archived: boolean;
  fork: boolean;
  /** Actions endpoints answer this status instead of data (Actions disabled or not visible). */
  actionsStatus: 200 | 403 | 404;
  pullRequests: GenPullRequest[];
  runs: GenRun[];
  workflows: GenWorkflow[];
}

export interface GenOrg {
  login: string;
  now: number;
  people: GenActor[];
  bots: GenActor[];
  repositories: GenRepository[];
}

/** Knobs for the durations of one pull request, in seconds; a hook may change them per PR. */
export interface PrPlan {
  repo: number;
  index: number;
  author: GenActor;
  /** First commit → ready for review. */
  codingSec: number;
  /** Ready → first human review (ignored when `reviewed` is false). */
  pickupSec: number;
  /** First review → merge. */
  reviewSec: number;
  /** Changes-requested rounds before approval. */
  rounds: number;
  commits: number;
  files: number;
  linesPerFile: number;
  draft: boolean;
  reviewed: boolean;
  outcome: 'merged' | 'closed' | 'open';
  forcePush: boolean;
  squash: boolean;
  /** A bot comments before any human looks. */
  botReviewFirst: boolean;
  reviewers: GenActor[];
  /** Paths the PR changes are drawn from (default: the repository's modules). */
  paths?: string[];
  /** Files the PR changes for sure (exact paths, first); the rest up to `files` come from `paths`. */
  fixedPaths?: string[];
}

/** Knobs for a run, in seconds. */
export interface RunPlan {
  repo: number;
  index: number;
  workflow: GenWorkflow;
  attempts: number;
  /** Outcome of the last attempt; earlier attempts fail. */
  finalConclusion: 'success' | 'failure' | 'cancelled';
  queueSec: number;
  durationSec: number;
  jobs: number;
  inProgress: boolean;
  /** Longest pause before a re-run, in seconds (default 3 hours). */
  rerunGapSec?: number;
  /** For a run on a pull request's pushed commit (with `prRuns`): the PR and its author. */
  pr?: { number: number; author: GenActor };
  /** For a run on a pull request: how long after it finishes the author comes back to the PR (default 0). */
  returnLagSec?: number;
}

/** Size, shape and timing of the generated organisation; every field has a default. */
export interface GeneratorOptions {
  seed?: number;
  org?: string;
  repos?: number;
  /** Extra archived repositories and forks (skipped by --org by default). */
  archivedRepos?: number;
  forkRepos?: number;
  prsPerRepo?: number;
  /** Pull requests of each repository (overrides `prsPerRepo` for the first repositories). */
  repoPrs?: number[];
  runsPerRepo?: number;
  /**
   * Workflow runs on pull requests' pushed commits: every push (the last commit
   * before ready, earlier ones at `pushRate`, each fix after a review, the
   * head after a force-push) gets a CI run, and a Lint run at `lintRate`; the PR
   * waits for them (later commits, ready and merge move by the CI wall time).
   * Then the `runsPerRepo` runs are push runs on main, unrelated to PRs.
   */
  prRuns?: boolean;
  /** Share of pushes that also get a Lint run (with `prRuns`). */
  lintRate?: number;
  /**
   * With `prRuns`: the last commit before ready is pushed when its author is
   * done coding (just before the PR is ready), not when it was authored, so
   * its CI run ends right before the author's return lag, not hours earlier.
   */
  pushAtReady?: boolean;
  /** Share of commits before the last one before ready that are pushed on their own (with `prRuns`). */
  pushRate?: number;
  people?: number;
  /** End of the generated history (default 2025-06-30T00:00:00Z). */
  now?: string;
  /** Length of the history in days. */
  days?: number;
  draftRate?: number;
  noReviewRate?: number;
  botPrRate?: number;
  botReviewRate?: number;
  forcePushRate?: number;
  squashRate?: number;
  openRate?: number;
  closedRate?: number;
  rerunRate?: number;
  flakyRate?: number;
  failureRate?: number;
  /** Share of PRs with many commits, files and reviews (beyond one GraphQL page of each). */
  largePrRate?: number;
  /** Typical durations in hours (log-normal around these medians). */
  codingHours?: number;
  pickupHours?: number;
  reviewHours?: number;
  ciQueueSec?: number;
  ciDurationSec?: number;
  /** Change any PR's plan before it is built (plant scenarios). */
  tweakPr?: (plan: PrPlan, rng: Rng) => void;
  /** Change any run's plan before it is built. */
  tweakRun?: (plan: RunPlan, rng: Rng) => void;
}

/** Deterministic random numbers (mulberry32). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Log-normal around `median` (spread ~ ×/÷ 2.7 at one sigma), in whole seconds ≥ 1. */
  around(median: number): number {
    const u = Math.max(1e-9, this.next());
    const v = this.next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(1, Math.round(median * Math.exp(normal * 0.8)));
  }
  hex(length: number): string {
    let out = '';
    while (out.length < length)
      out += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return out.slice(0, length);
  }
}

const HOUR = 3600;
const MODULES = ['api', 'core', 'web', 'billing', 'auth', 'search', 'infra', 'docs'];
const WORKFLOWS = [
  { name: 'CI', path: '.github/workflows/ci.yml' },
  { name: 'Lint', path: '.github/workflows/lint.yml' },
  { name: 'Deploy', path: '.github/workflows/deploy.yml' },
];

/** Builds an organisation. 50,000 PRs and 200,000 runs take a few seconds. */
export function generateOrg(options: GeneratorOptions = {}): GenOrg {
  const o = {
    seed: 1,
    org: 'acme',
    repos: 2,
    archivedRepos: 0,
    forkRepos: 0,
    prsPerRepo: 30,
    repoPrs: [],
    runsPerRepo: 40,
    prRuns: false,
    lintRate: 0.6,
    pushAtReady: false,
    pushRate: 0.5,
    people: 12,
    now: '2025-06-30T00:00:00Z',
    days: 90,
    draftRate: 0.2,
    noReviewRate: 0.1,
    botPrRate: 0.08,
    botReviewRate: 0.15,
    forcePushRate: 0.15,
    squashRate: 0.5,
    openRate: 0.1,
    closedRate: 0.08,
    rerunRate: 0.12,
    flakyRate: 0.5,
    failureRate: 0.1,
    largePrRate: 0.03,
    codingHours: 20,
    pickupHours: 6,
    reviewHours: 10,
    ciQueueSec: 20,
    ciDurationSec: 300,
    ...options,
  };
  const rng = new Rng(o.seed);
  const now = Math.floor(Date.parse(o.now) / 1000);
  const start = now - o.days * 24 * HOUR;
  const ids = { user: 1000, review: 50_000_000, run: 9_000_000_000, job: 20_000_000_000, repo: 700_000 };
  const people: GenActor[] = [];
  for (let i = 0; i < o.people; i += 1) people.push({ login: `dev${i + 1}`, id: ++ids.user, bot: false });
  const bots: GenActor[] = [
    { login: 'dependabot', id: 49699333, bot: true },
    { login: 'renovate', id: 29139614, bot: true },
    { login: 'ci-reviewer', id: 31337, bot: true },
  ];
  const repositories: GenRepository[] = [];
  const total = o.repos + o.archivedRepos + o.forkRepos;
  for (let r = 0; r < total; r += 1) {
    const archived = r >= o.repos && r < o.repos + o.archivedRepos;
    const fork = r >= o.repos + o.archivedRepos;
    const repo: GenRepository = {
      id: ++ids.repo,
      owner: o.org,
      name: archived ? `old-${r + 1}` : fork ? `fork-${r + 1}` : `service-${r + 1}`,
      archived,
      fork,
      actionsStatus: 200,
      pullRequests: [],
      runs: [],
      workflows: WORKFLOWS.map((w, i) => ({ id: 100_000 * (r + 1) + i + 1, ...w })),
    };
    const perRepo = o.repoPrs[r] ?? o.prsPerRepo;
    const prCount = archived || fork ? Math.min(3, perRepo) : perRepo;
    const runs: GenRun[] = [];
    for (let i = 0; i < prCount; i += 1) {
      repo.pullRequests.push(
        buildPullRequest(o, rng, ids, { people, bots, start, now, repo: r, index: i, gitRepo: repo, runs }),
      );
    }
    const runCount = archived || fork ? Math.min(3, o.runsPerRepo) : o.runsPerRepo;
    let runNumber = 0;
    for (let i = 0; i < runCount; i += 1) {
      runs.push(buildRun(o, rng, ids, { repo, people, start, now, index: i, runNumber: ++runNumber }));
    }
    runs.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
    if (o.prRuns) for (const [i, run] of runs.entries()) run.runNumber = i + 1;
    repo.runs = runs;
    repositories.push(repo);
  }
  return { login: o.org, now: now * 1000, people, bots, repositories };
}

type Resolved = Required<Omit<GeneratorOptions, 'tweakPr' | 'tweakRun'>> &
  Pick<GeneratorOptions, 'tweakPr' | 'tweakRun'>;

function buildPullRequest(
  o: Resolved,
  rng: Rng,
  ids: { review: number; run: number; job: number },
  at: {
    people: GenActor[];
    bots: GenActor[];
    start: number;
    now: number;
    repo: number;
    index: number;
    gitRepo: GenRepository;
    runs: GenRun[];
  },
): GenPullRequest {
  const botAuthor = rng.chance(o.botPrRate);
  const drawn = botAuthor ? at.bots[rng.int(0, 1)]! : rng.pick(at.people);
  const others = at.people.filter((p) => p.login !== drawn.login);
  const large = rng.chance(o.largePrRate);
  const plan: PrPlan = {
    repo: at.repo,
    index: at.index,
    author: drawn,
    codingSec: rng.around(o.codingHours * HOUR),
    pickupSec: rng.around(o.pickupHours * HOUR),
    reviewSec: rng.around(o.reviewHours * HOUR),
    rounds: large ? 25 : rng.chance(0.3) ? rng.int(1, 2) : 0,
    commits: large ? rng.int(40, 60) : rng.int(1, 6),
    files: large ? rng.int(120, 160) : rng.int(1, 12),
    linesPerFile: rng.int(2, 60),
    draft: rng.chance(o.draftRate),
    reviewed: !rng.chance(o.noReviewRate),
    outcome: rng.chance(o.openRate) ? 'open' : rng.chance(o.closedRate) ? 'closed' : 'merged',
    forcePush: rng.chance(o.forcePushRate),
    squash: rng.chance(o.squashRate),
    botReviewFirst: rng.chance(o.botReviewRate),
    reviewers: others.length ? [rng.pick(others), ...(rng.chance(0.4) ? [rng.pick(others)] : [])] : [],
  };
  plan.reviewers = [...new Map(plan.reviewers.map((p) => [p.login, p])).values()];
  o.tweakPr?.(plan, rng);
  const author = plan.author;
  const number = at.index + 1;
  const span = at.now - at.start;
  const firstCommit = at.start + Math.floor(rng.next() * span * 0.9);
  // With prRuns, each push starts CI and the PR waits for it: `shift` is the CI wall time waited so far.
  let shift = 0;
  const pushed = (sha: string, time: number): number =>
    o.prRuns
      ? prRunsForPush(o, rng, ids, {
          ...at,
          sha,
          time,
          pr: number,
          author,
          headRef: `${author.login}/change-${number}`,
        })
      : 0;
  // commits before ready
  const commits: GenCommit[] = [];
  const preReady = Math.max(1, plan.commits - plan.rounds);
  for (let c = 0; c < preReady; c += 1) {
    const t = firstCommit + Math.floor((plan.codingSec * c) / Math.max(1, preReady)) + shift;
    const sha = rng.hex(40);
    commits.push({ sha, authoredAt: t, committedAt: t });
    if (o.prRuns && (c === preReady - 1 || rng.chance(o.pushRate))) {
      // the last commit goes up when coding is done (with pushAtReady), earlier ones when authored
      const pushAt = c === preReady - 1 && o.pushAtReady ? firstCommit + plan.codingSec + shift : t;
      shift += pushed(sha, pushAt);
    }
  }
  const events: GenEvent[] = [];
  const draftLead = plan.draft ? Math.max(60, Math.floor(plan.codingSec / 2)) : 0;
  const createdAt = firstCommit + plan.codingSec - draftLead + 1 + shift;
  let readyAt: number | null = createdAt;
  if (plan.draft) {
    readyAt = firstCommit + plan.codingSec + 1 + shift;
    if (rng.chance(0.3)) {
      // marked ready, converted back to draft, then ready again: the last ready counts
      const early = createdAt + Math.floor(draftLead / 3);
      events.push({ kind: 'ready_for_review', at: early, actor: author });
      events.push({ kind: 'converted_to_draft', at: early + 30, actor: author });
    }
    events.push({ kind: 'ready_for_review', at: readyAt, actor: author });
  }
  let t = readyAt;
  for (const reviewer of plan.reviewers) {
    events.push({ kind: 'review_requested', at: readyAt, actor: author, reviewer });
  }
  const reviews: GenReview[] = [];
  if (plan.botReviewFirst) {
    reviews.push({ id: ++ids.review, author: at.bots[2]!, state: 'COMMENTED', submittedAt: readyAt + 5 });
  }
  let merged: number | null = null;
  const reviewer = plan.reviewers[0] ?? null;
  if (plan.reviewed && reviewer && !(plan.outcome === 'open' && rng.chance(0.5))) {
    t = readyAt + plan.pickupSec;
    const perRound = Math.max(60, Math.floor(plan.reviewSec / (plan.rounds + 1)));
    const reviewShift = shift;
    for (let round = 0; round < plan.rounds; round += 1) {
      reviews.push({ id: ++ids.review, author: reviewer, state: 'CHANGES_REQUESTED', submittedAt: t });
      const fix = t + Math.floor(perRound / 2);
      const sha = rng.hex(40);
      commits.push({ sha, authoredAt: fix, committedAt: fix });
      if (o.prRuns) {
        const wait = pushed(sha, fix);
        shift += wait;
        t += wait;
      }
      t += perRound;
    }
    reviews.push({ id: ++ids.review, author: reviewer, state: 'APPROVED', submittedAt: t });
    if (plan.reviewers[1] && rng.chance(0.5)) {
      reviews.push({ id: ++ids.review, author: plan.reviewers[1], state: 'COMMENTED', submittedAt: t + 120 });
    }
    merged = readyAt + plan.pickupSec + plan.reviewSec + (shift - reviewShift);
  } else if (!plan.reviewed) {
    merged = readyAt + plan.pickupSec + plan.reviewSec;
  }
  if (plan.forcePush && commits.length > 0) {
    // rebase before merge: committer dates move, author dates stay
    const pushAt = Math.max(t, readyAt) + 30;
    const before = commits.at(-1)!.sha;
    for (const commit of commits) {
      commit.sha = rng.hex(40);
      commit.committedAt = pushAt;
    }
    events.push({
      kind: 'head_ref_force_pushed',
      at: pushAt,
      actor: author,
      before,
      after: commits.at(-1)!.sha,
    });
    if (o.prRuns) {
      // the rebased head is checked again before it can merge
      const wait = pushed(commits.at(-1)!.sha, pushAt);
      if (merged !== null && merged <= pushAt + wait) merged = pushAt + wait + 60;
    } else if (merged !== null && merged <= pushAt) merged = pushAt + 60;
  }
  const pendingReviewers = plan.reviewers.filter((p) => !reviews.some((r) => r.author.login === p.login));
  let state: GenPullRequest['state'] = 'MERGED';
  let closedAt: number | null = null;
  let mergedAt: number | null = null;
  if (plan.outcome === 'open' || merged === null || merged >= at.now) {
    state = 'OPEN';
  } else if (plan.outcome === 'closed') {
    state = 'CLOSED';
    closedAt = merged;
  } else {
    mergedAt = merged;
    closedAt = merged;
  }
  const isDraft = state === 'OPEN' && plan.draft && rng.chance(0.2);
  if (isDraft) {
    readyAt = null;
    for (let i = events.length - 1; i >= 0; i -= 1) {
      if (events[i]!.kind === 'ready_for_review') events.splice(i, 1);
    }
  }
  // Keep history strictly before `now` for open work.
  const activity = [
    createdAt,
    ...commits.map((c) => c.committedAt),
    ...reviews.map((r) => r.submittedAt),
    ...events.map((e) => e.at),
    closedAt ?? 0,
  ];
  const updatedAt = Math.min(at.now - 1, Math.max(...activity) + 5);
  const paths = plan.paths ?? MODULES.map((m) => `src/${m}`);
  const files: GenFile[] = [];
  const seen = new Set<string>();
  const fixed = plan.fixedPaths ?? [];
  for (let f = 0; f < Math.max(plan.files, fixed.length); f += 1) {
    let path = fixed[f] ?? `${rng.pick(paths)}/file${rng.int(1, 400)}.ts`;
    if (f === 0 && fixed.length === 0 && rng.chance(0.1)) path = 'package-lock.json';
    if (seen.has(path)) path = `${path.slice(0, -3)}-${f}.ts`;
    seen.add(path);
    files.push({
      path,
      additions: rng.int(0, plan.linesPerFile * 2),
      deletions: rng.int(0, plan.linesPerFile),
    });
  }
  return {
    number,
    title: `${rng.pick(['Add', 'Fix', 'Refactor', 'Update', 'Remove'])} ${rng.pick(MODULES)} thing #${number}`,
    author,
    state,
    isDraft,
    createdAt: createdAt * 1000,
    readyAt: readyAt === null ? null : readyAt * 1000,
    closedAt: closedAt === null ? null : closedAt * 1000,
    mergedAt: mergedAt === null ? null : mergedAt * 1000,
    updatedAt: updatedAt * 1000,
    baseRef: 'main',
    headRef: `${author.login}/change-${number}`,
    headSha: commits.at(-1)!.sha,
    squash: plan.squash,
    comments: rng.int(0, 8),
    commits: commits.map((c) => ({
      ...c,
      authoredAt: c.authoredAt * 1000,
      committedAt: c.committedAt * 1000,
    })),
    reviews: reviews.map((r) => ({ ...r, submittedAt: r.submittedAt * 1000 })),
    files,
    events: events.sort((a, b) => a.at - b.at).map((e) => ({ ...e, at: e.at * 1000 })),
    pendingReviewers: state === 'OPEN' ? pendingReviewers : [],
  };
}

function buildRun(
  o: Resolved,
  rng: Rng,
  ids: { run: number; job: number },
  at: {
    repo: GenRepository;
    people: GenActor[];
    start: number;
    now: number;
    index: number;
    runNumber: number;
  },
): GenRun {
  const workflow = rng.pick(at.repo.workflows);
  const rerun = rng.chance(o.rerunRate);
  const plan: RunPlan = {
    repo: at.repo.id,
    index: at.index,
    workflow,
    attempts: rerun ? (rng.chance(0.2) ? 3 : 2) : 1,
    finalConclusion: rerun
      ? rng.chance(o.flakyRate)
        ? 'success'
        : 'failure'
      : rng.chance(o.failureRate)
        ? 'failure'
        : rng.chance(0.02)
          ? 'cancelled'
          : 'success',
    queueSec: rng.around(o.ciQueueSec),
    durationSec: rng.around(o.ciDurationSec),
    jobs: rng.int(1, 3),
    inProgress: false,
  };
  o.tweakRun?.(plan, rng);
  const span = at.now - at.start;
  const createdAt = at.start + Math.floor(rng.next() * span * 0.97);
  const pr =
    !o.prRuns && at.repo.pullRequests.length && rng.chance(0.7) ? rng.pick(at.repo.pullRequests) : null;
  const attempts = buildAttempts(rng, ids, plan, createdAt, at.now);
  return {
    id: ++ids.run,
    runNumber: at.runNumber,
    workflow,
    event: pr ? 'pull_request' : 'push',
    branch: pr ? pr.headRef : 'main',
    headSha: pr ? pr.headSha : rng.hex(40),
    createdAt: createdAt * 1000,
    actor: pr ? pr.author : rng.pick(at.people),
    attempts,
  };
}

/** Attempts and jobs of a run created at `createdAt` (seconds), returned in milliseconds. */
function buildAttempts(
  rng: Rng,
  ids: { job: number },
  plan: RunPlan,
  createdAt: number,
  now: number,
): GenAttempt[] {
  const attempts: GenAttempt[] = [];
  let startAt = createdAt + rng.int(0, 3);
  for (let a = 1; a <= plan.attempts; a += 1) {
    const last = a === plan.attempts;
    const conclusion: GenAttempt['conclusion'] = last ? plan.finalConclusion : 'failure';
    const jobs: GenJob[] = [];
    let end = startAt;
    for (let j = 0; j < plan.jobs; j += 1) {
      const jobCreated = startAt + j;
      const started = jobCreated + Math.max(1, Math.round(plan.queueSec * (0.5 + rng.next())));
      const completed = started + Math.max(1, Math.round(plan.durationSec * (0.6 + 0.8 * rng.next())));
      end = Math.max(end, completed);
      const failed = conclusion === 'failure' && j === plan.jobs - 1;
      jobs.push({
        id: ++ids.job,
        name: ['build', 'test', 'package'][j] ?? `job-${j + 1}`,
        runner: `runner-${rng.int(1, 20)}`,
        labels: ['ubuntu-latest'],
        status: 'completed',
        conclusion: failed ? 'failure' : conclusion === 'cancelled' ? 'cancelled' : 'success',
        createdAt: jobCreated,
        startedAt: started,
        completedAt: completed,
      });
    }
    attempts.push({
      attempt: a,
      runStartedAt: startAt,
      status: 'completed',
      conclusion,
      updatedAt: end + 2,
      jobs,
    });
    startAt = end + rng.int(60, plan.rerunGapSec ?? 3 * HOUR);
  }
  const lastAttempt = attempts.at(-1)!;
  if (plan.inProgress || lastAttempt.updatedAt >= now) {
    lastAttempt.status = 'in_progress';
    lastAttempt.conclusion = null;
    lastAttempt.updatedAt = Math.min(lastAttempt.updatedAt, now - 1);
    for (const job of lastAttempt.jobs) {
      if ((job.completedAt ?? 0) >= now || plan.inProgress) {
        job.status = job.startedAt !== null && job.startedAt < now ? 'in_progress' : 'queued';
        job.conclusion = null;
        job.completedAt = null;
        if (job.status === 'queued') job.startedAt = null;
      }
    }
  }
  const ms = (s: number | null) => (s === null ? null : s * 1000);
  return attempts.map((a) => ({
    ...a,
    runStartedAt: a.runStartedAt * 1000,
    updatedAt: a.updatedAt * 1000,
    jobs: a.jobs.map((j) => ({
      ...j,
      createdAt: j.createdAt * 1000,
      startedAt: ms(j.startedAt),
      completedAt: ms(j.completedAt),
    })),
  }));
}

/**
 * The pull_request runs of one push (CI, and Lint at `lintRate`) on `sha` at
 * `time` (seconds); returns how long the PR waits for them: from the push to
 * the last job of the last attempt (re-runs and the pause before them count).
 */
function prRunsForPush(
  o: Resolved,
  rng: Rng,
  ids: { run: number; job: number },
  at: {
    gitRepo: GenRepository;
    runs: GenRun[];
    now: number;
    index: number;
    sha: string;
    time: number;
    pr: number;
    author: GenActor;
    headRef: string;
  },
): number {
  const ci = at.gitRepo.workflows.find((w) => w.name === 'CI') ?? at.gitRepo.workflows[0];
  const lint = at.gitRepo.workflows.find((w) => w.name === 'Lint');
  if (!ci) return 0;
  const workflows = lint && rng.chance(o.lintRate) ? [ci, lint] : [ci];
  let wait = 0;
  for (const workflow of workflows) {
    const rerun = rng.chance(o.rerunRate);
    const plan: RunPlan = {
      repo: at.gitRepo.id,
      index: at.index,
      workflow,
      attempts: rerun ? (rng.chance(0.2) ? 3 : 2) : 1,
      finalConclusion: rerun
        ? rng.chance(o.flakyRate)
          ? 'success'
          : 'failure'
        : rng.chance(o.failureRate)
          ? 'failure'
          : 'success',
      queueSec: rng.around(o.ciQueueSec),
      durationSec: rng.around(workflow === ci ? o.ciDurationSec : o.ciDurationSec / 5),
      jobs: workflow === ci ? rng.int(1, 3) : 1,
      inProgress: false,
      rerunGapSec: 1800,
      pr: { number: at.pr, author: at.author },
    };
    o.tweakRun?.(plan, rng);
    const createdAt = at.time + rng.int(5, 60);
    if (createdAt >= at.now - 60) continue;
    const attempts = buildAttempts(rng, ids, plan, createdAt, at.now);
    const end = Math.max(
      ...attempts.at(-1)!.jobs.map((j) => (j.completedAt ?? at.now * 1000) / 1000),
      createdAt,
    );
    wait = Math.max(wait, end - at.time + (plan.returnLagSec ?? 0));
    at.runs.push({
      id: ++ids.run,
      runNumber: 0,
      workflow,
      event: 'pull_request',
      branch: at.headRef,
      headSha: at.sha,
      createdAt: createdAt * 1000,
      actor: at.author,
      attempts,
    });
  }
  return Math.round(wait);
}

/** The latest attempt of a run: what the runs list shows. */
export function latestAttempt(run: GenRun): GenAttempt {
  return run.attempts.at(-1)!;
}

/** Marks a pull request as changed at `at` (ms) so incremental syncs pick it up. */
export function touchPullRequest(pr: GenPullRequest, at: number): void {
  pr.updatedAt = Math.max(pr.updatedAt, at);
}
