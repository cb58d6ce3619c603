// One analysis, many renderers: for one database, the dashboard's embedded
// report, `report --format json`, the text report and report.md show the same
// figures — merged PRs (bots left out everywhere), stage medians and p90s,
// per-workflow success, re-run and flaky rates, costs and verdicts.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../agent/analysis/model.js';
import { causeLabel, materialCosts } from '../../agent/analysis/verdict.js';
import { escapeHtml } from '../../agent/render/escape.js';
import { escapeMarkdown } from '../../agent/render/markdown.js';
import { doraRows } from '../../agent/render/weekly-view.js';
import { formatDuration, formatHoursOrDash, formatPercent, formatValue } from '../../agent/util/format.js';
import { runCli } from '../support/cli.js';
import { embeddedReport } from '../support/embedded-report.js';
import { tempDir } from '../support/git-repo.js';
import { sharedFixture } from '../support/report-fixture.js';

describe('every output renders the same analysis', () => {
  let work: string;
  let json: Report;
  let embedded: Report;
  let text: string;
  let md: string;
  let html: string;

  beforeAll(async () => {
    const fixture = await sharedFixture(false);
    work = tempDir('dx-audit-agree-');
    // one end for every command: file ages are measured to it (now by default), and
    // two commands a few seconds apart may round an age to different tenths of a day
    const until = new Date().toISOString().slice(0, 10);
    const cli = async (...args: string[]) => {
      const result = await runCli(['--db', fixture.dbPath, ...args, '--until', until], { cwd: work });
      expect(result.exitCode, result.stderr).toBe(0);
      return result.stdout;
    };
    json = JSON.parse(await cli('report', '--format', 'json'));
    text = await cli('report', '--format', 'text');
    md = await cli('report', '--format', 'md');
    await cli('dashboard', '--out', join(work, 'dashboard.html'));
    html = readFileSync(join(work, 'dashboard.html'), 'utf8');
    embedded = embeddedReport(html);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('embeds in the dashboard the very report that `report --format json` prints', () => {
    expect({ ...embedded, generatedAt: null }).toEqual({ ...json, generatedAt: null });
  });

  it('states one window, identically, in every output', () => {
    const statement = json.window.statement;
    expect(statement).toMatch(/^2024-01-0\d → 2024-02-11 \(\d\.\d weeks: /);
    expect(text).toContain(`Window: ${statement}`);
    expect(md).toContain(`Window: ${escapeMarkdown(statement)}`);
    expect(html).toContain(`Window ${escapeHtml(statement)}`);
    // the weekly series cover exactly the window's weeks, no empty weeks before the data
    expect(json.series.weeks[0]).toBe('2024-W01');
    expect(json.series.weeks.at(-1)).toBe('2024-W06');
    expect(json.week.week).toBe('2024-W06');
  });

  it('counts merged PRs by people, bots left out, the same in the totals, the charts and the text', () => {
    const prs = json.pullRequests!;
    // the fixture has bots' PRs: they are merged, but no people figure counts them
    expect(prs.merged).toBeGreaterThan(prs.mergedByPeople);
    const charted = json.series.pullRequests['all']!.merged.reduce<number>((a, b) => a + (b ?? 0), 0);
    expect(charted).toBe(prs.mergedByPeople);
    expect(prs.stages.cycle.n).toBeLessThanOrEqual(prs.mergedByPeople);
    expect(text).toContain(
      `${prs.mergedByPeople} merged by people (${prs.merged - prs.mergedByPeople} by bots, left out)`,
    );
    for (const [label, stage] of [
      ['coding (first commit → ready)', prs.stages.coding],
      ['pickup (ready → first review)', prs.stages.pickup],
      ['review (first review → merge)', prs.stages.review],
      ['cycle (first commit → merge)', prs.stages.cycle],
    ] as const) {
      const line = text.split('\n').find((l) => l.includes(label))!;
      expect(line).toContain(formatDuration(stage.median));
      expect(line).toContain(formatDuration(stage.p90));
      expect(line).toContain(`(${stage.n} PRs)`);
    }
  });

  it('gives each workflow one success, re-run and flaky rate everywhere', () => {
    const workflows = json.ci!.workflows;
    expect(workflows.length).toBeGreaterThanOrEqual(4);
    const tableStart = html.indexOf('id="ci-workflows"');
    const table = html.slice(tableStart, html.indexOf('</table>', tableStart));
    for (const w of workflows) {
      const figures = `success ${formatPercent(w.successRate)}, re-run ${formatPercent(w.rerunRate)}, flaky ${formatPercent(w.flakyRate)}`;
      expect(text).toContain(`${w.repo} · ${w.name}: duration ${formatDuration(w.duration.median)}`);
      expect(text).toContain(figures);
      expect(table).toContain(
        `<td>${escapeHtml(w.name)}</td><td class="num">${w.runs}</td><td class="num">${formatPercent(w.successRate)}</td><td class="num">${formatPercent(w.rerunRate)}</td><td class="num">${formatPercent(w.flakyRate)}</td>`,
      );
      // the weekly chart series count the same runs as the window's total
      const weekly = json.series.workflows.find(
        (s) => json.series.repositories[s.repo] === w.repo && s.name === w.name,
      )!;
      expect(weekly.runs.reduce<number>((a, b) => a + (b ?? 0), 0)).toBe(w.runs);
    }
  });

  it('shows the same costs and verdict in the text, Markdown and dashboard', () => {
    const costs = materialCosts(json);
    expect(costs.length).toBeGreaterThan(0);
    // causes read as words in what people read, never as the JSON's ids
    const ids = new RegExp(`\\b(${[...costs.map((c) => c.cause), 'review_wait', 'flaky_ci'].join('|')})\\b`);
    expect(text).not.toMatch(ids);
    expect(md).not.toMatch(ids);
    for (const c of costs) {
      const delay = formatHoursOrDash(c.delayHoursPerWeek);
      const engineer = formatHoursOrDash(c.engineerHoursPerWeek);
      // hoursPerWeek of a cost is its engineer time (schemaVersion 2)
      expect(c.hoursPerWeek).toBe(c.engineerHoursPerWeek);
      expect(md).toContain(`| ${escapeMarkdown(causeLabel(c.cause))} | ${delay} | ${engineer} |`);
      expect(text).toContain(
        `${causeLabel(c.cause).padEnd(40)} ${delay.padStart(5)} / ${engineer.padStart(5)}`,
      );
      expect(html).toContain(
        `<tr><td>${escapeHtml(causeLabel(c.cause))}</td><td class="num">${delay}</td><td class="num">${engineer}</td>`,
      );
    }
    expect(text).toContain(json.verdict.headline);
    expect(md).toContain(`**${escapeMarkdown(json.verdict.headline)}**`);
    expect(html).toContain(`>${escapeHtml(json.verdict.headline)}</p>`);
    for (const d of json.diagnosis.filter((x) => x.verdict !== 'none')) expect(text).toContain(d.summary);
  });

  it("gives DORA's keys one value in the text, Markdown and dashboard tiles", () => {
    // the fixture ships by version tags on its first repository
    expect(json.dora.source).toBe('tags');
    expect(json.dora.deployments).toBeGreaterThan(3);
    for (const [key, value, , band] of doraRows(json)) {
      expect(text).toContain(`${key.padEnd(24)} ${value.padStart(12)}  ${band.padEnd(7)}`);
      expect(md).toContain(`| ${escapeMarkdown(key)} | ${escapeMarkdown(value)} |`);
    }
    expect(html).toContain(`<p class="value">${escapeHtml(formatDuration(json.dora.leadTime.median))}</p>`);
    // the wait from merge to deployment is said beside the verdict, in nobody's cycle time
    const wait = json.dora.leadTimeStages.deployWait;
    expect(wait.n).toBeGreaterThan(0);
    expect(json.verdict.beside).toEqual([
      `Merged changes then wait ${formatDuration(wait.median)} for their deployment (median; p90 ${formatDuration(wait.p90)}, ${wait.n} changes): a delay of the release process, in nobody's cycle time.`,
    ]);
    expect(text).toContain(json.verdict.beside[0]);
    expect(md).toContain(escapeMarkdown(json.verdict.beside[0]!));
    expect(html).toContain(
      `<p class="beside" id="verdict-beside">${escapeHtml(json.verdict.beside[0]!)}</p>`,
    );
  });

  it('prints the weekly comparison of the report model in Markdown', () => {
    expect(json.week.comparisons.length).toBeGreaterThan(5);
    for (const c of json.week.comparisons) {
      expect(md).toContain(
        `| ${escapeMarkdown(c.label)} | ${formatValue(c.lastWeek, c.unit)} | ${formatValue(c.thisWeek, c.unit)} |`,
      );
    }
  });
});
