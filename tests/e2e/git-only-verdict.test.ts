// A git-only audit reaches a verdict: a team of 8 merges branches for six
// months with no GitHub data; one person's changes are oversized. The audit
// names oversized changes for them, in the terminal, report.md and the JSON
// alike, flags nobody else, and says which causes need GitHub data.
//
// How often git alone gets there (DX_GIT_ONLY_SEED=1…12 with this world): the
// verdict is reached for 10 of 12 seeds. In the two misses, dev1 is 1.41× and
// 1.25× slower but the size effect is measured at 1.08× per doubling
// (p = 0.014) and 1.05× (p = 0.17) on the team's ~250 merges, short of Holm's
// correction over the 10 effects git can test (size and 9 directories), so no
// significant effect stands behind the gap and the verdict says so. With dev1's
// changes at the oversized scenario's size (10–30 files of 40–120 lines, ~9× the
// others), it was reached for 9 of 13 seeds. This seed is one that reaches it:
// the test is about the pipeline saying it, not about how often it does.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../agent/analysis/model.js';
import { type CliResult, runCli } from '../support/cli.js';
import { tempDir } from '../support/git-repo.js';
import { type GenOrg, generateOrg } from '../support/github-generator.js';
import { teamEmail, writeMergeHistory } from '../support/merge-history.js';
import { everyonesWork } from '../support/scenarios.js';

const PEOPLE = 8;
const DAYS = 182;
const NOW = '2025-06-30T00:00:00Z';
/** The person whose changes are oversized, and one who is not. */
const OVERSIZED = 'dev1';
const CONTROL = 'dev2';
const SEED = Number(process.env['DX_GIT_ONLY_SEED'] ?? 7);

const logins = () => Array.from({ length: PEOPLE }, (_, i) => `dev${i + 1}`);

/**
 * The team's world: every stage log-normal (the generator's), people taking
 * turns (about 30 merged changes each), size slowing everyone's coding and
 * review sublinearly (the scenarios' law: 15× the lines ≈ 1.7× the work), a
 * few changes left stale for a week, and dev1's changes 15–40 files of 50–140
 * lines: 11–18× the others' median lines changed over seeds 1–12 (15.7× here).
 */
function teamWorld(seed: number): GenOrg {
  const people = logins();
  return generateOrg({
    seed,
    repos: 1,
    people: PEOPLE,
    days: DAYS,
    now: NOW,
    prsPerRepo: PEOPLE * 36,
    runsPerRepo: 0,
    botPrRate: 0,
    largePrRate: 0,
    codingHours: 6,
    pickupHours: 3,
    reviewHours: 5,
    tweakPr: (p, rng) => {
      p.author = { ...p.author, login: people[p.index % PEOPLE]! };
      if (p.author.login === OVERSIZED) {
        p.files = rng.int(15, 40);
        p.linesPerFile = rng.int(50, 140);
      }
      everyonesWork(p, rng);
    },
  });
}

let dir: string;
let world: GenOrg;
let audit: CliResult;
let json: Report;
let markdown: string;

beforeAll(async () => {
  dir = tempDir('dx-audit-git-only-');
  const repo = join(dir, 'team');
  world = teamWorld(SEED);
  await writeMergeHistory(repo, world.repositories[0]!.pullRequests);
  audit = await runCli(['audit', repo, '--no-github', '--no-build'], { cwd: dir });
  markdown = readFileSync(join(dir, '.dx-audit', 'report.md'), 'utf8');
  const report = await runCli(['report', '--format', 'json'], { cwd: dir });
  expect(report.exitCode, report.stderr).toBe(0);
  json = JSON.parse(report.stdout) as Report;
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const subject = (login: string) => {
  const found = json.diagnosis.find((d) => d.kind === 'person' && d.subject === teamEmail(login));
  if (!found) throw new Error(`${login} is not in the diagnosis`);
  return found;
};

/** The world's merged changes of `login` inside the report's window: merge time − first authored commit, seconds. */
function cyclesInWindow(login: string): number[] {
  const since = Date.parse(json.window.since!);
  const until = Date.parse(json.window.until);
  return world.repositories[0]!.pullRequests.filter(
    (p) => p.author.login === login && p.mergedAt !== null && p.mergedAt >= since && p.mergedAt <= until,
  ).map((p) => Math.round((p.mergedAt! - Math.min(...p.commits.map((c) => c.authoredAt))) / 1000));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Lines a change touches, as planned by the world (additions + deletions of its files). */
function sizes(login: string | null): number[] {
  return world.repositories[0]!.pullRequests.filter(
    (p) => p.mergedAt !== null && (login === null || p.author.login === login),
  ).map((p) => p.files.reduce((total, f) => total + f.additions + f.deletions, 0));
}

describe('a git-only audit of a team whose one member makes oversized changes', () => {
  it('is realistic: the oversized person changes 10–20× the lines of the others, and is 1.2–2× slower', () => {
    const others = (of: (login: string) => number[]) =>
      median(
        logins()
          .filter((l) => l !== OVERSIZED)
          .flatMap(of),
      );
    const sizeRatio = median(sizes(OVERSIZED)) / others(sizes);
    expect(sizeRatio).toBeGreaterThan(10);
    expect(sizeRatio).toBeLessThan(20);
    const slower = median(cyclesInWindow(OVERSIZED)) / others(cyclesInWindow);
    expect(slower).toBeGreaterThan(1.2);
    expect(slower).toBeLessThan(2);
  });

  it('exits 0 and judges everyone from their merges', () => {
    expect(audit.exitCode, audit.stderr).toBe(0);
    expect(json.pullRequests).toBeNull();
    // the same changes and cycle times the world made, computed from it directly
    for (const login of [OVERSIZED, CONTROL]) {
      const cycles = cyclesInWindow(login);
      expect(subject(login).prs).toBe(cycles.length);
      expect(subject(login).cycleMedian).toBe(median(cycles));
    }
    expect(
      json.diagnosis
        .filter((d) => d.kind === 'person')
        .map((d) => d.subject)
        .sort(),
    ).toEqual(Array.from({ length: PEOPLE }, (_, i) => teamEmail(`dev${i + 1}`)).sort());
  });

  it('names oversized changes for that person, and for nobody else', () => {
    expect(subject(OVERSIZED).verdict).toBe('oversized_changes');
    expect(subject(OVERSIZED).causes[0]?.cause).toBe('oversized_changes');
    expect(subject(CONTROL).verdict).toBe('none');
    expect(json.diagnosis.filter((d) => d.verdict !== 'none').map((d) => d.subject)).toEqual([
      teamEmail(OVERSIZED),
    ]);
  });

  it('says the same in the terminal, report.md and the JSON', () => {
    const { headline, status } = json.verdict;
    expect(status).toBe('diagnosed');
    expect(headline).toContain('oversized changes (1 person)');
    const line = `Person ${teamEmail(OVERSIZED)}: ${subject(OVERSIZED).summary}.`;
    expect(line).toContain('most by oversized changes');
    for (const text of [audit.stdout, markdown]) {
      expect(text).toContain(headline);
      expect(text).toContain(line);
      expect(text).not.toContain(teamEmail(CONTROL));
    }
  });

  it('says plainly which causes need GitHub data', () => {
    const note = 'fragile code and oversized changes only; review wait and CI need GitHub data (a token).';
    expect(json.verdict.headline).toContain(
      `Judged from git alone (${json.deliveries.merges} merges): ${note}`,
    );
    expect(audit.stdout).toContain(note);
    expect(markdown).toContain(note);
  });
});
