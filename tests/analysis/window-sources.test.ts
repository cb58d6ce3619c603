// One window across every source, through the CLI, on the case that once
// gave three windows in one run: a clone whose last commit is almost a year
// older than the GitHub pull requests and runs collected for it. `audit`
// reads the clone and the local GitHub; the terminal summary, report.md,
// report.html, `report --format text`, `report --format json` and the
// dashboard (its visible line and its embedded JSON) state the same window,
// which ends at the newest data across the sources and counts the PRs and
// runs inside it. A requested window that holds only git history then says
// where the pull requests are, and never that only git history is collected.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoWeekOf } from '../../agent/analysis/iso-week.js';
import type { Report } from '../../agent/analysis/model.js';
import { renderDashboard } from '../../agent/render/dashboard.js';
import { escapeHtml } from '../../agent/render/escape.js';
import { escapeMarkdown } from '../../agent/render/markdown.js';
import { TOKEN } from '../github/harness.js';
import { runCli } from '../support/cli.js';
import { embeddedReport } from '../support/embedded-report.js';
import { TestRepo, tempDir } from '../support/git-repo.js';
import { generateOrg } from '../support/github-generator.js';
import { type GithubServer, startGithubServer } from '../support/github-server/server.js';

const DAY = 86_400;
const WEEK = 7 * DAY;
const day = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);
const unix = (iso: string) => Date.parse(iso) / 1000;

/** Every line of every output a run produces that a user reads or a tool parses. */
interface Outputs {
  terminal: string;
  markdown: string;
  reportHtml: string;
  dashboard: string;
  embedded: Report;
  text: string;
  json: Report;
}

describe('one window across git and GitHub, through the CLI', () => {
  // GitHub data over the 30 days before 2025-06-30
  const org = generateOrg({
    seed: 11,
    repos: 1,
    prsPerRepo: 12,
    runsPerRepo: 15,
    now: '2025-06-30T00:00:00Z',
    days: 30,
  });
  const gen = org.repositories[0]!;
  // the newest fact of each source, from the generator's ground truth (ms → s)
  const prTimes = gen.pullRequests.map((p) => Math.floor((p.mergedAt ?? p.createdAt) / 1000));
  const runTimes = gen.runs.map((r) => Math.floor(r.createdAt / 1000));
  const newest = Math.max(...prTimes, ...runTimes);
  // the clone: its last commit is 11 months older than the GitHub data; the first lies outside 52 weeks
  const commits = ['2024-05-01T10:00:00Z', '2024-07-22T10:00:00Z', '2024-07-24T10:00:00Z'];
  const firstInside = unix(commits[1]!);

  let server: GithubServer;
  let repo: TestRepo;
  let work: string;
  let env: Record<string, string>;
  let out: Outputs;

  beforeAll(async () => {
    server = await startGithubServer(org, { token: TOKEN });
    repo = new TestRepo();
    repo.commit({ files: { 'src/a.ts': 'a\n' }, at: commits[0] });
    repo.commit({ files: { 'src/a.ts': 'a\nb\n' }, at: commits[1] });
    repo.commit({ files: { 'src/b.ts': 'b\n' }, at: commits[2] });
    repo.git('remote', 'add', 'origin', 'https://github.com/acme/service-1.git');
    work = tempDir('dx-audit-window-sources-');
    env = {
      GITHUB_TOKEN: TOKEN,
      GH_TOKEN: '',
      GITHUB_API_URL: server.url,
      GITHUB_GRAPHQL_URL: server.graphqlUrl,
    };
    const audit = await runCli(['audit', repo.path, '--no-build'], { cwd: work, env });
    expect(audit.exitCode, audit.stderr).toBe(0);
    const cli = async (...args: string[]) => {
      const result = await runCli(args, { cwd: work, env });
      expect(result.exitCode, result.stderr).toBe(0);
      return result.stdout;
    };
    const folder = join(work, '.dx-audit');
    const dashboard = readFileSync(join(folder, 'dashboard.html'), 'utf8');
    out = {
      terminal: audit.stdout,
      markdown: readFileSync(join(folder, 'report.md'), 'utf8'),
      reportHtml: readFileSync(join(folder, 'report.html'), 'utf8'),
      dashboard,
      embedded: embeddedReport(dashboard),
      text: await cli('report', '--format', 'text'),
      json: JSON.parse(await cli('report', '--format', 'json')) as Report,
    };
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    repo?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('ends at the newest data across the sources, not at the last commit', () => {
    // the newest GitHub fact is in June 2025, eleven months after the last commit
    expect(newest).toBeGreaterThan(unix(commits[2]!) + 40 * WEEK);
    // 52 weeks back from it reach past the commit of 2024-07-22, not the one of 2024-05-01: the start is that commit
    expect(newest - 52 * WEEK).toBeLessThan(firstInside);
    expect(newest - 52 * WEEK).toBeGreaterThan(unix(commits[0]!));
    const weeks = (newest - firstInside) / WEEK;
    const statement = `2024-07-22 → ${day(newest)} (${Number(weeks.toFixed(2)).toFixed(1)} weeks: the last 52 weeks, ending at the newest collected data, starting at the oldest collected data inside it)`;
    expect(out.json.window.statement).toBe(statement);
    expect(out.json.window.since).toBe(new Date(firstInside * 1000).toISOString());
    expect(out.json.window.until).toBe(new Date(newest * 1000).toISOString());
    expect(out.json.window.weeks).toBe(Number(weeks.toFixed(2)));
  });

  it('states that window byte for byte in every output', () => {
    const statement = out.json.window.statement;
    // nothing in it that Markdown or HTML would escape: the same bytes everywhere
    expect(escapeMarkdown(statement)).toBe(statement);
    expect(escapeHtml(statement)).toBe(statement);
    const lines = (text: string) => text.split('\n');
    expect(lines(out.terminal)).toContain(`Window:        ${statement}`);
    expect(lines(out.text)).toContain(`Window: ${statement}`);
    expect(lines(out.markdown)).toContain(`Window: ${statement}`);
    expect(out.reportHtml).toContain(`<p class="meta" id="window">Window: ${statement}</p>`);
    expect(out.dashboard).toContain(`<span class="window">Window ${statement}</span>`);
    expect(out.embedded.window).toEqual(out.json.window);
    // and no other window anywhere: every "Window" line of each output is this one
    for (const [name, text] of [
      ['terminal', out.terminal],
      ['text', out.text],
      ['markdown', out.markdown],
    ] as const) {
      const windows = lines(text).filter((l) => /^Window:/.test(l));
      expect(windows, name).toHaveLength(1);
    }
    // the weekly report covers the last complete week of that window: the week of the newest data
    expect(out.json.week.week).toBe(isoWeekOf(new Date(newest * 1000)));
    expect(out.markdown.startsWith(`# DX weekly report — ${out.json.week.week}\n`)).toBe(true);
    expect(out.terminal).toContain(`, week ${out.json.week.week}\n`);
  });

  it('counts the pull requests and runs inside it, and only the first commit outside', () => {
    const since = firstInside;
    const opened = gen.pullRequests.filter(
      (p) => p.createdAt / 1000 >= since && p.createdAt / 1000 <= newest,
    ).length;
    const merged = gen.pullRequests.filter((p) => p.mergedAt !== null).length;
    expect(opened).toBe(12);
    for (const report of [out.json, out.embedded]) {
      expect(report.pullRequests?.count).toBe(opened);
      expect(report.pullRequests?.merged).toBe(merged);
      expect(report.ci?.runs).toBe(gen.runs.length);
      expect(report.git.commits).toBe(2);
      expect(report.outsideWindow).toMatchObject({ commits: 1, pullRequests: 0, ciRuns: 0 });
      expect(report.outsideWindow.before).toMatchObject({ commits: 1, first: '2024-05-01T10:00:00.000Z' });
      expect(report.empty.pullRequests).toBeNull();
      expect(report.empty.ci).toBeNull();
    }
    const bots = gen.pullRequests.filter((p) => p.mergedAt !== null && p.author.bot).length;
    expect(out.text).toContain(
      `Pull requests: ${opened} opened, ${merged - bots} merged by people (${bots} by bots, left out)`,
    );
    expect(out.text).toContain(`CI: ${gen.runs.length} workflow runs (`);
    for (const [name, text] of Object.entries({ ...out, embedded: '', json: JSON.stringify(out.json) })) {
      expect(text, name).not.toContain('only git history');
      expect(text, name).not.toContain('no pull requests or reviews are collected');
      expect(text, name).not.toContain('no GitHub Actions runs are collected');
    }
  });

  it('divides costs by the weeks of data, and says that number, not the window length', () => {
    // the GitHub data spans about 4 of the window's 48 weeks: costs per week are per week of that data
    const wk = out.json.method.weeks.toFixed(1);
    expect(out.json.method.weeks).toBeLessThan(6);
    expect(out.json.window.weeks).toBeGreaterThan(40);
    const costs = out.json.costs.filter((c) => c.delayHoursPerWeek !== null && c.delayHoursPerWeek >= 0.05);
    expect(costs.length).toBeGreaterThan(0);
    for (const c of costs) expect(c.evidence).toMatch(new RegExp(`over ${wk.replace('.', '\\.')} weeks`));
    expect(out.text).toContain(`Cost per cause, per week of data (${wk} weeks of data in the window):`);
    expect(out.markdown).toContain(`Per week of data in the window (${wk} weeks of data).`);
    expect(out.reportHtml).toContain(`<p>Per week of data in the window (${wk} weeks of data).</p>`);
    expect(out.dashboard).toContain(`(${wk} weeks of data), with the arithmetic</caption>`);
    expect(out.text).not.toContain(`(${out.json.window.weeks} weeks)`);
  });

  it("links the dashboard's slowest runs to their runs on GitHub, by GitHub's run id", async () => {
    const detail = await runCli(['report', '--format', 'json', '--detail'], { cwd: work, env });
    const items = (JSON.parse(detail.stdout) as Report).ci!.items!;
    // the ten longest attempts, from the per-attempt list (an independent sort of the JSON's items)
    const expected = items
      .filter((a) => a.duration !== null)
      .sort((a, b) => b.duration! - a.duration! || a.id - b.id || a.attempt - b.attempt)
      .slice(0, 10);
    expect(expected.length).toBe(10);
    const runIds = new Set(gen.runs.map((r) => r.id));
    for (const a of expected) expect(runIds.has(a.id), String(a.id)).toBe(true);
    const start = out.dashboard.indexOf('<div class="card" id="slowest-runs">');
    expect(start).toBeGreaterThan(0);
    const table = out.dashboard.slice(start, out.dashboard.indexOf('</table>', start));
    const links = [...table.matchAll(/<a href="([^"]*)" rel="noopener noreferrer">(\d+)<\/a>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(links).toEqual(
      expected.map((a) => [`https://github.com/acme/service-1/actions/runs/${a.id}`, String(a.id)]),
    );
    // one row per run attempt, each with its link
    expect(table.match(/<tr>/g)).toHaveLength(11);
    expect(out.embedded.series.slowestRuns.map((r) => r.url)).toEqual(links.map((l) => l[0]));
  });

  it('keeps a run link inside its href, whatever it holds', () => {
    const run = out.json.series.slowestRuns[0]!;
    const hostile = {
      ...out.json,
      series: {
        ...out.json.series,
        slowestRuns: [
          {
            ...run,
            workflow: '</script><img src=x onerror=alert(1)>',
            url: 'https://github.com/a"onclick="alert(1)/b/actions/runs/1',
          },
        ],
      },
    };
    const html = renderDashboard(hostile);
    const start = html.indexOf('<div class="card" id="slowest-runs">');
    const table = html.slice(start, html.indexOf('</table>', start));
    expect(table).toContain(
      `<a href="https://github.com/a&#34;onclick=&#34;alert(1)/b/actions/runs/1" rel="noopener noreferrer">${run.id}</a>`,
    );
    expect(table).not.toContain('"onclick');
    expect(table).toContain('<td>&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;</td>');
    expect(table).not.toContain('<img');
    expect(table.match(/<a /g)).toHaveLength(1);
  });

  describe('a requested window that holds only git history', () => {
    const oldest = Math.min(...prTimes, ...runTimes);
    const dayAfter = (t: number) => day(t + DAY);
    const after = `12 pull requests and ${gen.runs.length} CI runs are collected after it (${day(oldest)} → ${day(newest)})`;
    const outputs = async (since: string, until: string) => {
      const cli = async (...args: string[]) => {
        const result = await runCli([...args, '--since', since, '--until', until], { cwd: work, env });
        expect(result.exitCode, result.stderr).toBe(0);
        return result.stdout;
      };
      const page = join(work, `dashboard-${since}.html`);
      await cli('dashboard', '--out', page);
      const json = JSON.parse(await cli('report', '--format', 'json')) as Report;
      return {
        json,
        texts: {
          text: await cli('report', '--format', 'text'),
          md: await cli('report', '--format', 'md'),
          html: await cli('report', '--format', 'html'),
          dashboard: readFileSync(page, 'utf8'),
          json: JSON.stringify(json),
        },
      };
    };
    const neverFalse = (texts: Record<string, string>) => {
      for (const [name, text] of Object.entries(texts)) {
        expect(text, name).not.toContain('only git history');
        // pull requests are collected: nothing may say a token or a remote is missing
        expect(text, name).not.toContain('a GitHub remote and a token');
        expect(text, name).not.toContain('with a GitHub token');
        expect(text, name).not.toContain('none collected');
      }
    };

    it('says the pull requests and runs lie after it, when, and which flag reaches them', async () => {
      const { json, texts } = await outputs('2024-05-01', '2024-08-01');
      expect(json.git.commits).toBe(3);
      expect(json.pullRequests).toBeNull();
      // clamped to the commits inside it; the newest data overall lies after its end, and it says so
      expect(json.window.statement).toBe(
        '2024-05-01 → 2024-07-24 (12.0 weeks: ending at the newest data collected before its requested end, starting at the oldest collected data inside it)',
      );
      expect(json.outsideWindow.after).toEqual({
        commits: 0,
        pullRequests: 12,
        ciRuns: gen.runs.length,
        first: new Date(oldest * 1000).toISOString(),
        last: new Date(newest * 1000).toISOString(),
      });
      const headline = `Not enough data for a verdict inside the window: ${after}: move its end with --until.`;
      expect(json.verdict.headline).toBe(headline);
      expect(json.empty.pullRequests).toEqual({
        missing: `no pull requests or reviews inside the window; ${after}`,
        command: `dx-audit audit --until ${dayAfter(newest)}`,
      });
      expect(json.empty.ci).toEqual({
        missing: `no GitHub Actions runs inside the window; ${after}`,
        command: `dx-audit audit --until ${dayAfter(newest)}`,
      });
      expect(texts.text).toContain(`\n${headline}\n`);
      expect(texts.text).toContain(
        `\nPull requests: none inside the window; ${after}: move its end with --until.\n`,
      );
      expect(texts.md).toContain(`**${escapeMarkdown(headline)}**`);
      expect(texts.html).toContain(`<p class="headline">${escapeHtml(headline)}</p>`);
      expect(texts.dashboard).toContain(`>${escapeHtml(headline)}</p>`);
      neverFalse(texts);
      // and the flag it names reaches them: every pull request and run is then inside
      const moved = await runCli(
        ['report', '--format', 'json', '--since', '2024-05-01', '--until', dayAfter(newest)],
        { cwd: work, env },
      );
      const reached = JSON.parse(moved.stdout) as Report;
      expect(reached.pullRequests?.count).toBe(12);
      expect(reached.ci?.runs).toBe(gen.runs.length);
      expect(reached.outsideWindow.pullRequests + reached.outsideWindow.ciRuns).toBe(0);
    });

    it('says where everything is when the window holds nothing', async () => {
      const { json, texts } = await outputs('2023-01-01', '2023-12-31');
      const everything = `3 commits, 12 pull requests and ${gen.runs.length} CI runs are collected after it (2024-05-01 → ${day(newest)})`;
      expect(json.verdict.headline).toBe(
        `Nothing was collected inside the window ${json.window.statement}; ${everything}: move its end with --until.`,
      );
      expect(texts.text).toContain(`${json.verdict.headline}\n`);
      neverFalse(texts);
    });
  });
});
