// The areas `npm run bench` measures, the target of each figure they return,
// and the conversion of their figures into table rows. An area returns its
// figures as `measure → value` (git prints and returns rows of its own); the
// target table below says which of them are targets of SPEC §9 and how each is
// judged.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchArchitecture } from './architecture.js';
import { benchBuild } from './build.js';
import { benchDashboard } from './dashboard.js';
import { benchDiagnosis } from './diagnosis.js';
import { benchDora } from './dora.js';
import { benchGit, benchRepository } from './git.js';
import { benchGithub } from './github.js';
import { benchReport } from './report.js';
import { BIN, cacheDir, freshFile, type Row, verdict } from './util.js';

/** What an area gets: the database of the generated history, ingested (only for areas that need it). */
export interface AreaInput {
  db: string;
}

export interface AreaResult {
  rows: Row[];
  /** Set by an area that ingests the history: the areas after it read this database. */
  db?: string;
  /** The area printed its table itself. */
  printed?: boolean;
}

export interface Area {
  name: string;
  title: string;
  /** Needs the ingested history (from the git area when it runs, else from the cache). */
  needsDb: boolean;
  run(input: AreaInput): Promise<AreaResult>;
}

/** A target: how it reads in the table, and whether a measured value meets it. */
interface Target {
  label: string;
  met(value: string | number): boolean;
}

const below = (limit: number, label: string): Target => ({
  label,
  met: (value) => typeof value === 'number' && value < limit,
});
const atMost = (limit: number, label: string): Target => ({
  label,
  met: (value) => typeof value === 'number' && value <= limit,
});

const TWO_MB = 2_000_000;

/** The targets among the figures the areas return, by measure name (SPEC §9 and the issue targets). */
export const TARGETS: Record<string, Target> = {
  'architecture: report with --detail (s)': below(5, '< 5 s'),
  'wrap: overhead median (ms, target < 60)': below(60, '< 60 ms'),
  'build: median difference (%, target within 3)': atMost(3, '≤ 3 %'),
  'github: requests per 1,000 PRs (with reviews, commits, files)': atMost(20, '≤ 20'),
  'github: requests per 1,000 runs with jobs': atMost(30, '≤ 30'),
  'github: GraphQL points per 1,000 runs': atMost(40, '≤ 40'),
  "github: first collection of a 200-engineer year (52,000 PRs, 250,000 runs), hours of one token's budget":
    atMost(2, '≤ 2 h'),
  'github: requests for an unchanged re-sync (1st, 2nd)': {
    label: '≤ 3 each',
    // "2, 3 (1 answered 304)": the request counts come before the parenthesis
    met: (value) => {
      const counts = String(value).split('(')[0]!.split(',').map(Number);
      return counts.length > 0 && counts.every((n) => Number.isFinite(n) && n <= 3);
    },
  },
  'db generation ms': below(5000, '< 5,000 ms'),
  'db file bytes': below(TWO_MB, '< 2 MB'),
  'db render ms (load → all charts drawn)': below(2000, '< 2,000 ms'),
  '200-engineer year: analyse + render ms': below(5000, '< 5,000 ms'),
  '200-engineer year: file bytes': below(TWO_MB, '< 2 MB'),
  '200-engineer year: render ms (load → all charts drawn)': below(2000, '< 2,000 ms'),
  '200-engineer year: render ms': below(2000, '< 2,000 ms'),
  'report: 200-engineer year, in process (s)': below(5, '< 5 s'),
  'diagnosis: planted causes named, GitHub generator (%, target ≥ 95)': {
    label: '≥ 95 %',
    met: (value) => typeof value === 'number' && value >= 95,
  },
  'diagnosis: planted causes named, composed generator (%, target ≥ 95)': {
    label: '≥ 95 %',
    met: (value) => typeof value === 'number' && value >= 95,
  },
  'diagnosis: false flags per 100 null verdicts, GitHub generator (target ≤ 1)': atMost(1, '≤ 1'),
  'diagnosis: false flags per 100 null verdicts, composed generator (target ≤ 1)': atMost(1, '≤ 1'),
  'diagnosis: 200-engineer year, effect model + verdicts (s)': below(5, '< 5 s'),
  'report: 200-engineer year, dx-audit report --format json (s)': below(5, '< 5 s'),
  'report: DORA part, 200-engineer year, in process (s)': below(1, '< 1 s'),
};

/** Turns an area's figures into rows: the target and its verdict where the figure is a target. */
export function rowsOf(figures: Record<string, string | number>, prefix: string): Row[] {
  return Object.entries(figures).map(([name, value]) => {
    const target = TARGETS[name];
    const measure = name.startsWith(`${prefix}: `) ? name.slice(prefix.length + 2) : name;
    const shown = typeof value === 'number' ? formatNumber(value) : value;
    if (!target) return [measure, shown, '', ''];
    // a figure that could not be measured (e.g. no Chromium) says why instead of a number
    if (typeof value === 'string' && value.startsWith('skipped'))
      return [measure, shown, target.label, 'skipped'];
    return [measure, shown, target.label, verdict(target.met(value))];
  });
}

function formatNumber(value: number): string {
  return Number.isInteger(value) && Math.abs(value) >= 10_000 ? value.toLocaleString('en-US') : String(value);
}

export const AREAS: Area[] = [
  {
    name: 'git',
    title: 'Git ingestion (80,000 commits)',
    needsDb: false,
    // benchGit prints its own table; its rows come back for the summary
    run: async () => {
      const { db, rows } = await benchGit();
      return { rows, db, printed: true };
    },
  },
  {
    name: 'architecture',
    title: 'Fragile architecture (report with --detail on the ingested history)',
    needsDb: true,
    run: async ({ db }) => ({ rows: rowsOf(await benchArchitecture(db), 'architecture') }),
  },
  {
    name: 'build',
    title: 'Local builds (wrap overhead, build statistics)',
    needsDb: false,
    run: async () => ({ rows: rowsOf(await benchBuild(), '') }),
  },
  {
    name: 'github',
    title: 'GitHub collection (local server, 50 ms per request)',
    needsDb: false,
    run: async () => ({ rows: rowsOf(await benchGithub(), 'github') }),
  },
  {
    name: 'dashboard',
    title: 'Dashboard (ingested history, then the 200-engineer year)',
    needsDb: true,
    run: async ({ db }) => ({ rows: rowsOf(await benchDashboard(db), '') }),
  },
  {
    name: 'report',
    title: 'Report (a year of a 200-engineer organisation: git, PRs, CI, diagnosis, costs)',
    needsDb: false,
    run: async () => ({ rows: rowsOf(await benchReport(), '') }),
  },
  {
    name: 'diagnosis',
    title: 'Diagnosis: planted causes named, false flags, time on a 200-engineer year',
    needsDb: false,
    run: async () => ({ rows: rowsOf(await benchDiagnosis(), '') }),
  },
  {
    name: 'dora',
    title: "DORA's four keys on a 200-engineer year (the lead-time walk over its git graphs)",
    needsDb: false,
    run: async () => ({ rows: rowsOf(await benchDora(), '') }),
  },
];

/**
 * The ingested generated history for areas that need a database when the git
 * area does not run: ingested once (untimed), then reused from .bench-cache
 * while the generated repository's head is the same.
 */
export async function ingestedDatabase(): Promise<string> {
  const repo = await benchRepository();
  const db = join(cacheDir('db'), 'ingested.db');
  const marker = `${db}.complete`;
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  if (existsSync(db) && existsSync(marker) && readFileSync(marker, 'utf8') === head) return db;
  process.stdout.write('ingesting the generated history once for the areas that read it…');
  const started = Date.now();
  freshFile(db);
  execFileSync(process.execPath, [BIN, 'collect', 'git', repo, '--db', db, '--quiet'], {
    env: { ...process.env, DX_AUDIT_DB: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(marker, head);
  console.log(` ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return db;
}

/** The areas chosen by `--only a,b`, `--only=a,b` or DX_BENCH_ONLY; all when none is given. */
export function selectAreas(argv: readonly string[], env: NodeJS.ProcessEnv): Area[] | string {
  let only: string | undefined = env['DX_BENCH_ONLY'] || undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--only') only = argv[++i] ?? '';
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length);
    else return `unknown option ${arg}: use --only ${AREAS.map((a) => a.name).join(',')}`;
  }
  if (only === undefined) return AREAS;
  const names = only
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const unknown = names.filter((n) => !AREAS.some((a) => a.name === n));
  if (names.length === 0 || unknown.length > 0) {
    return `unknown bench area ${unknown.join(', ') || '(none given)'}: choose among ${AREAS.map((a) => a.name).join(', ')}`;
  }
  return AREAS.filter((a) => names.includes(a.name));
}
