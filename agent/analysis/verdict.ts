// The verdict a manager reads first: which system cause explains slower
// delivery, else the biggest measurable cost, else what the data shows and
// what to collect next. Every number in it comes from the report itself.
import { costPhrase, formatCount, formatDuration, formatSeconds, plural } from '../util/format.js';
import {
  CAUSE_LABELS,
  type EmptyState,
  type OutsideSide,
  type OutsideWindow,
  type Report,
  type Verdict,
} from './model.js';

/** Human label of a cause id. */
export function causeLabel(cause: string): string {
  if (Object.hasOwn(CAUSE_LABELS, cause)) return CAUSE_LABELS[cause]!;
  return cause.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** "Extra time on PRs…" → "extra time on PRs…" (acronyms stay). */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** Costs worth naming: computed, and not rounding to 0.0 h/week of delay or of engineer time; most engineer time first, then most delay. */
export function materialCosts(report: Pick<Report, 'costs'>) {
  const engineer = (c: Report['costs'][number]) => c.engineerHoursPerWeek ?? 0;
  const delay = (c: Report['costs'][number]) => c.delayHoursPerWeek ?? 0;
  return report.costs
    .filter((c) => engineer(c) >= 0.05 || delay(c) >= 0.05)
    .sort((a, b) => engineer(b) - engineer(a) || delay(b) - delay(a));
}

type VerdictInput = Omit<Report, 'verdict' | 'week'>;

/** The wait from merge to deployment: a system cause of delivery time that is in nobody's cycle time. */
function besideVerdict(report: VerdictInput): string[] {
  const wait = report.dora.leadTimeStages.deployWait;
  if (wait.median === null || wait.n === 0) return [];
  return [
    `Merged changes then wait ${formatDuration(wait.median)} for their deployment (median; p90 ${formatDuration(wait.p90)}, ${wait.n} ${plural(wait.n, 'change')}): a delay of the release process, in nobody's cycle time.`,
  ];
}

export function verdictOf(report: VerdictInput, fileRevisions: number): Verdict {
  return { ...verdictWithoutBeside(report, fileRevisions), beside: besideVerdict(report) };
}

function verdictWithoutBeside(report: VerdictInput, fileRevisions: number): Omit<Verdict, 'beside'> {
  const findings: string[] = [];
  const next: EmptyState[] = [];
  for (const section of [report.empty.git, report.empty.pullRequests, report.empty.ci, report.empty.builds]) {
    if (section && !next.some((n) => n.command === section.command)) next.push(section);
  }
  const repos = report.series.repositories.length;
  const commits = report.git.commits;
  if (
    repos === 0 ||
    (commits === 0 && report.git.merges === 0 && !report.pullRequests && report.builds.summary.length === 0)
  ) {
    return {
      headline:
        repos === 0
          ? 'No data collected yet: run "dx-audit audit" in a git clone to start.'
          : `Nothing was collected inside the window ${report.window.statement}${outsideText(report)}.`,
      status: 'empty',
      findings,
      next,
    };
  }
  const costs = materialCosts(report);
  for (const cost of costs.slice(0, 3)) {
    findings.push(
      `${causeLabel(cost.cause)}: ${costPhrase(cost.delayHoursPerWeek, cost.engineerHoursPerWeek)} (${cost.evidence}).`,
    );
  }
  // A build that never succeeds is always said: nothing about build time is known until it is fixed.
  const failing = report.builds.summary.find((b) => b.runs > 0 && b.failures === b.runs);
  const error = failing?.lastFailure?.firstErrorLine;
  const blocker = failing
    ? `The local build "${failing.command}" in ${failing.repo} failed in all ${failing.failures} ${plural(failing.failures, 'run')}${error ? ` (first error: ${error})` : ''}: fix it before its time can be measured.`
    : null;
  const top3 = (list: string[]) => (blocker ? [...list.slice(0, 2), blocker] : list.slice(0, 3));
  if (findings.length < 3) {
    const slowest = report.builds.summary
      .filter((b) => b.median !== null)
      .sort((a, b) => b.median! - a.median!)[0];
    if (slowest) {
      findings.push(
        `Slowest local build: "${slowest.command}" in ${slowest.repo} takes ${formatSeconds(slowest.median!)} (median of ${slowest.runs} ${slowest.kind} ${plural(slowest.runs, 'run')}).`,
      );
    }
  }
  const all = report.series.git['all'];
  if (findings.length < 3 && commits > 0) {
    const activeWeeks = (all?.commits ?? []).filter((c) => (c ?? 0) > 0).length;
    const peak = Math.max(0, ...(all?.authors ?? []).map((a) => a ?? 0));
    // the window's length as the window states it; the ISO weeks it touches can be more
    const calendarWeeks = report.series.weeks.length;
    findings.push(
      `${formatCount(commits)} ${plural(commits, 'commit')} in the window's ${report.window.weeks.toFixed(1)} weeks (${activeWeeks} of its ${calendarWeeks} calendar ${plural(calendarWeeks, 'week')} with activity) in ${repos} ${plural(repos, 'repository', 'repositories')}; up to ${peak} ${plural(peak, 'person', 'people')} committed in one week.`,
    );
  }
  const top = report.git.files[0];
  if (findings.length < 3 && top) {
    findings.push(
      `Top hotspot: ${top.path}${repos > 1 ? ` (${top.repo})` : ''}, changed in ${formatCount(top.revisions)} ${plural(top.revisions, 'commit')}, ${top.lines === null ? 'no longer present' : `${formatCount(top.lines)} ${plural(top.lines, 'line')}`}, ${formatCount(top.churn)} ${plural(top.churn, 'line')} churned.`,
    );
  }
  if (findings.length < 3 && fileRevisions > 0 && report.git.files.length >= 10) {
    const top10 = report.git.files
      .map((f) => f.revisions)
      .sort((a, b) => b - a)
      .slice(0, 10)
      .reduce((a, b) => a + b, 0);
    findings.push(
      `The 10 most-changed files take ${((100 * top10) / fileRevisions).toFixed(0)} % of the file changes analysed (${formatCount(top10)} of ${formatCount(fileRevisions)}; lock, generated, vendored and documentation files are left out).`,
    );
  }
  const strongest = report.git.moduleCoupling[0] ?? report.git.coupling[0];
  if (findings.length < 3 && strongest) {
    findings.push(
      `${strongest.a} and ${strongest.b} change together in ${strongest.degree.toFixed(0)} % of their commits (${strongest.shared} shared).`,
    );
  }
  const explained = report.diagnosis.filter((d) => d.verdict !== 'none');
  if (explained.length > 0) {
    // the diagnosis first: which system cause explains whose slower delivery
    const byCause = new Map<string, { team: number; person: number }>();
    for (const d of explained) {
      const counts = byCause.get(d.verdict) ?? { team: 0, person: 0 };
      counts[d.kind] += 1;
      byCause.set(d.verdict, counts);
    }
    const count = (n: number, one: string, many: string) => (n === 0 ? [] : [`${n} ${plural(n, one, many)}`]);
    const parts = [...byCause.entries()]
      .sort((a, b) => b[1].team + b[1].person - (a[1].team + a[1].person))
      .map(
        ([cause, n]) =>
          `${lowerFirst(causeLabel(cause))} (${[...count(n.team, 'team', 'teams'), ...count(n.person, 'person', 'people')].join(', ')})`,
      );
    const diagnosed = explained
      .slice(0, 3)
      .map(
        (d) =>
          `${d.kind === 'team' ? 'Team' : 'Person'} ${d.subject}: ${d.summary ?? causeLabel(d.verdict)}.`,
      );
    return {
      headline: `Slower delivery here is explained by the system, not the people: ${parts.join(', ')}.${gitOnlyNote(report)}`,
      status: 'diagnosed',
      findings: top3([...diagnosed, ...findings]),
      next,
    };
  }
  const topCost = costs[0];
  if (topCost) {
    // only subjects actually compared (enough data of their own and of others) have an excess
    const judged = report.diagnosis.filter((d) => d.verdict === 'none' && d.excess !== null).length;
    return {
      headline: `${judged > 0 ? 'Nobody is slower than the organisation beyond normal variation. ' : ''}The biggest measurable cost is ${lowerFirst(causeLabel(topCost.cause))}: ${costPhrase(topCost.delayHoursPerWeek, topCost.engineerHoursPerWeek)}.${gitOnlyNote(report)}`,
      status: 'diagnosed',
      findings: top3(findings),
      next,
    };
  }
  let headline: string;
  if (report.pullRequests) headline = 'Pull requests are collected, but no cause has a measurable cost yet.';
  else if (report.outsideWindow.pullRequests > 0)
    headline = `Not enough data for a verdict inside the window: ${outsideText(report).slice(2)}.`;
  else if (report.deliveries.merges > 0) {
    // git alone: merges give each change's cycle time, size and files, so fragile code and oversized changes can be judged
    const judged = report.diagnosis.filter((d) => d.enoughData).length;
    headline = `From git alone (${formatCount(report.deliveries.merges)} ${plural(report.deliveries.merges, 'merge')}): ${
      judged > 0
        ? 'no slower delivery is explained by fragile code or oversized changes'
        : 'too few changes per person to judge fragile code or oversized changes'
    }. Review wait and CI need GitHub data (a token).`;
  } else
    headline =
      'Not enough data for a verdict yet: without pull requests (GitHub data) or merge commits, delivery time cannot be split into causes.';
  return { headline, status: 'insufficient', findings: top3(findings), next };
}

/** After a verdict from merges alone: which causes it could not judge without pull requests. */
function gitOnlyNote(report: VerdictInput): string {
  const merges = report.deliveries.merges;
  if (report.pullRequests || merges === 0) return '';
  return ` Judged from git alone (${formatCount(merges)} ${plural(merges, 'merge')}): fragile code and oversized changes only; review wait and CI need GitHub data (a token).`;
}

/** "; 7 commits are collected before it (2024-01-01 → 2024-01-18): move its start with --since", or nothing. */
function outsideText(report: VerdictInput): string {
  const where = outsideWhere(report.outsideWindow);
  return where ? `; ${where.text}: ${where.hint}` : '';
}

const day = (iso: string | null) => (iso ?? '').slice(0, 10);

/** "7 commits are collected before it (2024-01-01 → 2024-01-18)" for one side of the window, or null. */
function sideText(side: OutsideSide, where: 'before' | 'after'): string | null {
  const parts = [
    ...(side.commits > 0 ? [`${formatCount(side.commits)} ${plural(side.commits, 'commit')}`] : []),
    ...(side.pullRequests > 0
      ? [`${formatCount(side.pullRequests)} ${plural(side.pullRequests, 'pull request')}`]
      : []),
    ...(side.ciRuns > 0 ? [`${formatCount(side.ciRuns)} ${plural(side.ciRuns, 'CI run')}`] : []),
  ];
  if (parts.length === 0) return null;
  const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  const total = side.commits + side.pullRequests + side.ciRuns;
  const span =
    day(side.first) === day(side.last) ? day(side.first) : `${day(side.first)} → ${day(side.last)}`;
  return `${list} ${plural(total, 'is', 'are')} collected ${where} it (${span})`;
}

/**
 * Where the collected facts outside the window lie, and the flag that moves
 * the window onto them; null when nothing lies outside it.
 */
export function outsideWhere(outside: OutsideWindow): { text: string; hint: string } | null {
  const before = sideText(outside.before, 'before');
  const after = sideText(outside.after, 'after');
  if (!before && !after) return null;
  const hint =
    before && after
      ? 'move it with --since and --until'
      : before
        ? 'move its start with --since'
        : 'move its end with --until';
  return { text: [before, after].filter(Boolean).join('; '), hint };
}
