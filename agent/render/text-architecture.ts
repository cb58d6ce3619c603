// Terminal view of the fragile-architecture figures: top hotspots, strongest
// file couplings and the coupling between modules, each with its units.

import type { Report } from '../analysis/model.js';
import { leftOutText } from '../util/format.js';
import { count } from '../util/plural.js';

const ROWS = 15;

/** The architecture section of the terminal report, as lines. */
export function architectureLines(report: Report): string[] {
  const git = report.git;
  const lines: string[] = [];
  if (git.files.length === 0) {
    lines.push('', 'Hotspots: no file changed in the window (after exclusions).');
    return lines;
  }
  lines.push(
    '',
    'Hotspots (score 0–1 = revisions × complexity, each relative to the repository maximum)',
    ...table(
      [
        'score',
        'revisions',
        'complexity (indent levels)',
        'size (lines)',
        'main author share',
        'fix commits',
        'file',
      ],
      git.files
        .slice(0, ROWS)
        .map((f) => [
          f.hotspotScore === null ? '-' : f.hotspotScore.toFixed(2),
          String(f.revisions),
          f.complexity === null
            ? '-'
            : f.complexity < 100
              ? f.complexity.toFixed(1)
              : String(Math.round(f.complexity)),
          f.lines === null ? '-' : String(f.lines),
          percent(f.mainAuthorShare),
          percent(f.fixRatio),
          printable(`${f.repo}/${f.path}`),
        ]),
    ),
  );
  lines.push('');
  if (git.coupling.length === 0) {
    lines.push('Change coupling: no pair of files reaches the thresholds (see coupling.* in the config).');
  } else {
    lines.push(
      `Strongest change coupling (${git.couplingPairs} pairs; degree = shared commits / average revisions)`,
      ...table(
        ['degree', 'shared (commits)', 'avg revisions', 'files'],
        git.coupling
          .slice(0, ROWS)
          .map((c) => [
            `${c.degree.toFixed(0)}%`,
            String(c.shared),
            String(c.averageRevisions),
            printable(`${c.repo}: ${c.a} ↔ ${c.b}${c.crossModule ? '  (cross-module)' : ''}`),
          ]),
      ),
    );
  }
  const modules = git.moduleCoupling.filter((c) => c.kind === 'directory').slice(0, 10);
  const components = git.moduleCoupling.filter((c) => c.kind === 'component').slice(0, 10);
  for (const [title, rows] of [
    ['Cross-module coupling (directories)', modules],
    ['Cross-component coupling', components],
  ] as const) {
    if (rows.length === 0) continue;
    lines.push(
      '',
      title,
      ...table(
        ['degree', 'shared (commits)', 'modules'],
        rows.map((c) => [
          `${c.degree.toFixed(0)}%`,
          String(c.shared),
          printable(`${c.repo}: ${c.a} ↔ ${c.b}`),
        ]),
      ),
    );
  }
  if (git.excludedFiles > 0 || git.largeChangeSets > 0) {
    lines.push(
      '',
      `Left out: ${leftOutText(git.excludedFiles, git.excludedByReason)}; ${count(git.largeChangeSets, 'commit')} too large for coupling.`,
    );
  }
  return lines;
}

function percent(value: number | null): string {
  return value === null ? '-' : `${Math.round(value * 100)}%`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (row: string[]) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padStart(widths[i]!))).join('  ');
  return [format(header), ...rows.map(format)];
}

/** Paths may hold newlines or control characters: show them escaped so one file stays one row. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  return /[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text) : text;
}
