// The terminal view of the report: headline counts, hotspots and change coupling.
import type { Report } from './model.js';
import { architectureLines } from './text-architecture.js';

export function renderText(report: Report): string {
  const lines: string[] = [];
  const window = `${report.window.since?.slice(0, 10) ?? 'start'} → ${report.window.until.slice(0, 10)}`;
  lines.push(`dx-audit report  (${window})`);
  lines.push('');
  if (report.repositories.length === 0) {
    lines.push('No data yet: run `dx-audit collect git [PATH]` (or `dx-audit audit`) first.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`Repositories: ${report.repositories.map((r) => r.name).join(', ')}`);
  lines.push(
    `Git: ${report.git.commits} commits, ${report.git.merges} merges, ${report.git.authors} authors, ${report.git.filesChanged} files changed`,
  );
  lines.push(...architectureLines(report));
  return `${lines.join('\n')}\n`;
}
