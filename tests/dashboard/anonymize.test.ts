import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPseudonymizer, Pseudonymizer } from '../../agent/render/anonymize.js';
import { Db } from '../../agent/store/db.js';
import { runCli } from '../support/cli.js';
import { type TestRepo, tempDir } from '../support/git-repo.js';
import { fixtureReport, sharedFixture } from '../support/report-fixture.js';
import { AUTHORS, activityRepo } from './fixtures.js';

const KEY = Buffer.alloc(32, 7);

describe('Pseudonymizer', () => {
  const p = new Pseudonymizer(KEY, [
    ['alice@example.com', 'Alice Example', 'alice@old.example.com', 'Alice E.'],
    ['bob@example.com', 'Bob Builder'],
  ]);

  it('gives one person one pseudonym across names and emails, in any case', () => {
    const alice = p.person('alice@example.com');
    expect(alice).toMatch(/^Engineer [A-Z2-9]{5}$/);
    expect(p.person('Alice Example')).toBe(alice);
    expect(p.person('ALICE@OLD.EXAMPLE.COM')).toBe(alice);
    expect(p.person('Alice E.')).toBe(alice);
    expect(p.person('bob@example.com')).not.toBe(alice);
    // the same key gives the same pseudonyms; another key does not
    expect(new Pseudonymizer(KEY, [['alice@example.com']]).person('alice@example.com')).toBe(alice);
    expect(
      new Pseudonymizer(Buffer.alloc(32, 8), [['alice@example.com']]).person('alice@example.com'),
    ).not.toBe(alice);
  });

  it('scrubs known identities and any email from free text, and keeps paths and names of things', () => {
    expect(p.scrub('Alice Example asked bob@example.com and zed@elsewhere.org')).toBe(
      `${p.person('alice@example.com')} asked ${p.person('bob@example.com')} and ${p.person('zed@elsewhere.org')}`,
    );
  });

  it('replaces @login mentions in free text, known or not, and never touches email-like text twice', () => {
    const mentioned = p.scrub('Fix for @mwombat and @zquixote, cc @Alice-E (see a@b.org)');
    expect(mentioned).toBe(
      `Fix for @${p.person('mwombat').replace(' ', '-')} and @${p.person('zquixote').replace(' ', '-')}, cc @${p.person('Alice-E').replace(' ', '-')} (see ${p.person('a@b.org')})`,
    );
    expect(mentioned).not.toMatch(/mwombat|zquixote/);
  });

  it('keeps people out of a whole report and keeps paths, repositories and teams', async () => {
    const fixture = await sharedFixture(false);
    const report = await fixtureReport(fixture, true);
    const logins = fixture.org.people.map((x) => x.login);
    const q = new Pseudonymizer(
      KEY,
      logins.map((l) => [l, `${l}@users.noreply.github.com`]),
    );
    const anonymized = q.apply(report);
    const people = anonymized.diagnosis.filter((d) => d.kind === 'person');
    expect(people.length).toBeGreaterThan(0);
    for (const d of people) expect(d.subject).toMatch(/^Engineer [A-Z2-9]{5}$/);
    expect(
      anonymized.diagnosis
        .filter((d) => d.kind === 'team')
        .map((d) => d.subject)
        .sort(),
    ).toEqual(['payments', 'platform']);
    expect(anonymized.repositories).toEqual(report.repositories);
    expect(anonymized.git.files.map((f) => f.path)).toEqual(report.git.files.map((f) => f.path));
    expect(anonymized.series.teams).toEqual(['payments', 'platform']);
    const json = JSON.stringify(anonymized);
    for (const login of logins) expect(json, login).not.toMatch(new RegExp(`(?<![\\w-])${login}(?![\\w-])`));
    expect(anonymized.pullRequests!.items!.map((i) => i.author)).toEqual(
      report.pullRequests!.items!.map((i) => (i.author === null ? null : q.person(i.author))),
    );
    // time to wait for the fixture if it is still being built (tests/support/global-setup.ts)
  }, 120_000);
});

describe('--anonymize from the command line', () => {
  let repo: TestRepo;
  let work: string;
  beforeAll(async () => {
    repo = activityRepo();
    work = tempDir('dx-audit-anon-');
    expect(
      (await runCli(['--db', join(work, 'dx.db'), 'collect', 'git', repo.path], { cwd: work })).exitCode,
    ).toBe(0);
  });
  afterAll(() => {
    repo?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('keeps people out of the dashboard and the reports, with pseudonyms stable per database', async () => {
    const db = join(work, 'dx.db');
    const outputs = [
      ['dashboard', '--out', join(work, 'd.html'), '--anonymize'],
      ['report', '--format', 'md', '--week', '2024-W03', '--out', join(work, 'r.md'), '--anonymize'],
      ['report', '--format', 'html', '--week', '2024-W03', '--out', join(work, 'r.html'), '--anonymize'],
      ['report', '--format', 'json', '--detail', '--out', join(work, 'r.json'), '--anonymize'],
    ];
    for (const args of outputs) {
      const result = await runCli(['--db', db, ...args], { cwd: work });
      expect(result.exitCode, result.stderr).toBe(0);
      const text = readFileSync(args[args.indexOf('--out') + 1]!, 'utf8');
      for (const author of AUTHORS) {
        expect(text).not.toContain(author.name);
        expect(text).not.toContain(author.email);
      }
    }
    expect(readFileSync(join(work, 'd.html'), 'utf8')).toContain('people anonymized');
    // The key lives in the database: a second load gives the same pseudonyms, another database others.
    const first = await Db.open(db);
    const a = (await loadPseudonymizer(first)).person('alice@example.com');
    const b = (await loadPseudonymizer(first)).person('Alice Example');
    await first.close();
    expect(b).toBe(a);
    const other = await Db.open(join(work, 'other.db'));
    expect((await loadPseudonymizer(other)).person('alice@example.com')).not.toBe(a);
    await other.close();
  });
});
