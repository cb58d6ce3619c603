// The product's figures on a random 400-commit history against an independent
// computation of the same definitions, written here from `git log --numstat`
// output and file contents read with `git show` (none of the product's code).
import { execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../agent/analysis/model.js';
import { type ImportedCommit, importHistory } from '../support/fast-import.js';
import { gitEnv, type TestRepo } from '../support/git-repo.js';
import { Random } from '../support/random.js';
import { type Audit, audit, UNTIL_SECONDS } from './helpers.js';

/** The shared seeded generator (mulberry32), as a function. */
function random(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.next();
}

const MODULES = ['api', 'core', 'ui/web', 'ui/cli', 'lib/ünï'];
const PATHS = MODULES.flatMap((m) => Array.from({ length: 10 }, (_, i) => `${m}/f${i}.ts`));
const LOCK = 'package-lock.json';
const BINARY = 'assets/logo.png';
const AUTHORS = ['ann', 'ben', 'cid', 'dee', 'eve'].map((n) => ({
  name: n.toUpperCase(),
  email: `${n}@example.com`,
}));
const MESSAGES = [
  'fix bug in parser',
  'add feature',
  'Revert "add feature"',
  'refactor',
  'hotfix: crash',
  'prefix fixture',
  'Fixes #12',
];

function generate(): ImportedCommit[] {
  const rand = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const contents = new Map<string, string[]>();
  const commits: ImportedCommit[] = [];
  for (let c = 0; c < 400; c++) {
    const r = rand();
    const size =
      r < 0.7
        ? 1 + Math.floor(rand() * 3)
        : r < 0.9
          ? 4 + Math.floor(rand() * 7)
          : r < 0.97
            ? 11 + Math.floor(rand() * 20)
            : 31 + Math.floor(rand() * 15);
    const module = pick(MODULES);
    const chosen = new Set<string>();
    while (chosen.size < size) {
      // mostly the first files of one module, so some pairs couple strongly
      chosen.add(rand() < 0.6 ? `${module}/f${Math.floor(rand() * 3)}.ts` : pick(PATHS));
    }
    if (rand() < 0.08) chosen.add(LOCK);
    const files: Record<string, string | Buffer | null> = {};
    if (rand() < 0.05) files[BINARY] = Buffer.from([0x89, 0, c & 0xff, 1]);
    for (const path of chosen) {
      const lines = contents.get(path);
      if (lines && lines.length > 0 && rand() < 0.03) {
        files[path] = null;
        contents.delete(path);
        continue;
      }
      const next = [...(lines ?? [])];
      if (next.length > 3 && rand() < 0.3) next.splice(0, 1 + Math.floor(rand() * 3));
      const add = 1 + Math.floor(rand() * 5);
      for (let i = 0; i < add; i++)
        next.push(`${pick(['', '  ', '    ', '\t', '\t  ', '        '])}x${c}_${i}`);
      if (rand() < 0.1) next.push('');
      contents.set(path, next);
      files[path] = `${next.join('\n')}\n`;
    }
    commits.push({ files, author: pick(AUTHORS), message: pick(MESSAGES), at: 1_700_000_000 + c * 1800 });
  }
  return commits;
}

interface Commit {
  email: string;
  time: number;
  subject: string;
  changes: { path: string; added: number; deleted: number }[];
}

function gitLog(root: string): Commit[] {
  const out = execaSync(
    'git',
    [
      '-c',
      'core.quotepath=off',
      'log',
      '--numstat',
      '--no-renames',
      '--no-merges',
      '--format=%x1e%ae%x1f%ct%x1f%s',
      'main',
    ],
    { cwd: root, env: gitEnv() },
  ).stdout;
  const commits: Commit[] = [];
  for (const chunk of out.split('\x1e').slice(1)) {
    const [header, ...rest] = chunk.split('\n');
    const [email, time, subject] = header!.split('\x1f');
    const changes = rest
      .filter((line) => line.includes('\t'))
      .map((line) => {
        const [added, deleted, path] = line.split('\t');
        return {
          path: path!,
          added: added === '-' ? 0 : Number(added),
          deleted: deleted === '-' ? 0 : Number(deleted),
        };
      });
    commits.push({ email: email!, time: Number(time), subject: subject!, changes });
  }
  return commits;
}

const FIX = /\bfix(e[sd])?\b|\bbug\b|\bhotfix\b|^revert\b|\brevert(s|ed)?\b/i;
const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

function expectedFiles(root: string, commits: Commit[]) {
  const files = new Map<
    string,
    {
      revisions: number;
      added: number;
      deleted: number;
      last: number;
      fixes: number;
      byAuthor: Map<string, number>;
    }
  >();
  for (const c of commits) {
    for (const ch of c.changes) {
      if (ch.path === LOCK) continue;
      const f = files.get(ch.path) ?? {
        revisions: 0,
        added: 0,
        deleted: 0,
        last: 0,
        fixes: 0,
        byAuthor: new Map(),
      };
      f.revisions += 1;
      f.added += ch.added;
      f.deleted += ch.deleted;
      f.last = Math.max(f.last, c.time);
      if (FIX.test(c.subject)) f.fixes += 1;
      f.byAuthor.set(c.email, (f.byAuthor.get(c.email) ?? 0) + ch.added);
      files.set(ch.path, f);
    }
  }
  const tip = new Set(
    execaSync('git', ['-c', 'core.quotepath=off', 'ls-tree', '-r', '--name-only', 'main'], {
      cwd: root,
    }).stdout.split('\n'),
  );
  const result = new Map<string, Record<string, unknown>>();
  for (const [path, f] of files) {
    const total = [...f.byAuthor.values()].reduce((s, v) => s + v, 0);
    const top = Math.max(...f.byAuthor.values());
    let lines: number | null = null;
    let complexity: number | null = null;
    if (tip.has(path) && path !== BINARY) {
      const content = execaSync('git', ['show', `main:${path}`], {
        cwd: root,
        stripFinalNewline: false,
      }).stdout;
      const all = content.split('\n');
      all.pop(); // after the final newline
      lines = all.length;
      complexity = 0;
      for (const line of all) {
        if (line.trim() === '') continue;
        const lead = /^[ \t]*/.exec(line)![0];
        complexity += [...lead].reduce((s, ch) => s + (ch === '\t' ? 4 : 1), 0) / 4;
      }
    }
    result.set(path, {
      revisions: f.revisions,
      added: f.added,
      deleted: f.deleted,
      churn: f.added + f.deleted,
      authors: f.byAuthor.size,
      lines,
      complexity,
      fixes: f.fixes,
      fixRatio: round(f.fixes / f.revisions, 4),
      mainAuthorShare: total === 0 ? null : round(top / total, 4),
      fragmentation:
        total === 0 ? null : round(1 - [...f.byAuthor.values()].reduce((s, v) => s + (v / total) ** 2, 0), 4),
      lastChanged: new Date(f.last * 1000).toISOString(),
      ageDays: round((UNTIL_SECONDS - f.last) / 86400, 1),
    });
  }
  // hotspot: revisions and complexity relative to the maxima over files with a complexity
  const alive = [...result.values()].filter((f) => f['complexity'] !== null);
  const maxRevisions = Math.max(...alive.map((f) => f['revisions'] as number));
  const maxComplexity = Math.max(...alive.map((f) => f['complexity'] as number));
  for (const f of result.values()) {
    f['hotspotScore'] =
      f['complexity'] === null
        ? null
        : round(
            ((f['revisions'] as number) / maxRevisions) * ((f['complexity'] as number) / maxComplexity),
            4,
          );
  }
  return result;
}

/** code-maat's coupling, written the plain way: every pair of every kept change set. */
function expectedCoupling(
  commits: Commit[],
  t: { maxChangeSetSize: number; minRevisions: number; minShared: number; minDegree: number },
) {
  const revisions = new Map<string, number>();
  const soc = new Map<string, number>();
  const shared = new Map<string, number>();
  for (const c of commits) {
    const paths = c.changes
      .map((ch) => ch.path)
      .filter((p) => p !== LOCK)
      .sort();
    if (paths.length === 0 || paths.length > t.maxChangeSetSize) continue;
    for (const p of paths) {
      revisions.set(p, (revisions.get(p) ?? 0) + 1);
      soc.set(p, (soc.get(p) ?? 0) + paths.length - 1);
    }
    for (let i = 0; i < paths.length; i++)
      for (let j = i + 1; j < paths.length; j++) {
        const key = `${paths[i]}\n${paths[j]}`;
        shared.set(key, (shared.get(key) ?? 0) + 1);
      }
  }
  const pairs = [];
  for (const [key, count] of shared) {
    const [a, b] = key.split('\n') as [string, string];
    const sum = revisions.get(a)! + revisions.get(b)!;
    // average ≥ minRevisions and 100 × shared / average ≥ minDegree, in integers
    if (sum < 2 * t.minRevisions || count < t.minShared || 200 * count < t.minDegree * sum) continue;
    pairs.push({ a, b, shared: count, degree: round((200 * count) / sum, 2), averageRevisions: sum / 2 });
  }
  pairs.sort(
    (x, y) =>
      y.degree - x.degree || y.shared - x.shared || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1),
  );
  return { pairs, revisions, soc };
}

let repo: TestRepo;
let run: Audit;
let commits: Commit[];

beforeAll(async () => {
  repo = importHistory(generate());
  commits = gitLog(repo.path);
  run = await audit([repo.path]);
});
afterAll(() => repo?.remove());

describe('a random 400-commit history', () => {
  let report: Report;
  beforeAll(async () => {
    report = (await run.report()).report;
  });

  it('has the per-file figures of the independent computation', () => {
    const expected = expectedFiles(repo.path, commits);
    expect(report.git.commits).toBe(400);
    expect(report.git.files).toHaveLength(expected.size);
    for (const f of report.git.files) {
      const {
        repo: _r,
        path,
        maxIndent: _m,
        couplingSum: _s,
        couplingRevisions: _c,
        module: _d,
        component: _k,
        ...rest
      } = f;
      expect({ path, ...rest }).toEqual({ path, ...expected.get(path) });
    }
    // ranked by score, then revisions
    const scores = report.git.files.map((f) => f.hotspotScore ?? -1);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
  });

  it('has code-maat coupling with the default thresholds', () => {
    const expected = expectedCoupling(commits, {
      maxChangeSetSize: 30,
      minRevisions: 5,
      minShared: 5,
      minDegree: 30,
    });
    expect(expected.pairs.length).toBeGreaterThan(3);
    expect(
      report.git.coupling.map(({ a, b, shared, degree, averageRevisions }) => ({
        a,
        b,
        shared,
        degree,
        averageRevisions,
      })),
    ).toEqual(expected.pairs);
    for (const f of report.git.files) {
      expect([f.path, f.couplingRevisions, f.couplingSum]).toEqual([
        f.path,
        expected.revisions.get(f.path) ?? 0,
        expected.soc.get(f.path) ?? 0,
      ]);
    }
    const dropped = commits.filter((c) => c.changes.filter((ch) => ch.path !== LOCK).length > 30).length;
    expect(dropped).toBeGreaterThan(0);
    expect(report.git.largeChangeSets).toBe(dropped);
  });

  it('has code-maat coupling with other thresholds', async () => {
    const t = { maxChangeSetSize: 12, minRevisions: 3, minShared: 3, minDegree: 15 };
    run.configure({ coupling: t });
    const { report: other } = await run.report();
    const expected = expectedCoupling(commits, t);
    expect(expected.pairs.length).toBeGreaterThan(report.git.coupling.length);
    expect(
      other.git.coupling.map(({ a, b, shared, degree, averageRevisions }) => ({
        a,
        b,
        shared,
        degree,
        averageRevisions,
      })),
    ).toEqual(expected.pairs);
    run.configure({});
  });
});
