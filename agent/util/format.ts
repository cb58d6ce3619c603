// How numbers read in every output (terminal, Markdown, HTML, dashboard
// headline): durations, hours, counts, percentages and plurals. One module,
// so the same figure is written the same way everywhere.

/** "1 run", "2 runs"; irregular plurals passed as `many`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/**
 * One formatter for fractions, made on first use: building it loads ICU's
 * number data (about 25 ms of CPU), which whole numbers, nearly every number
 * printed, do without.
 */
let english: Intl.NumberFormat | undefined;

/** "12,345", "1.5": digits grouped as English writes them (en-US), and "0" for -0. */
export function englishNumber(n: number): string {
  if (Number.isSafeInteger(n)) return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
  english ??= new Intl.NumberFormat('en-US');
  return english.format(n);
}

/** "12,345". */
export function formatCount(n: number): string {
  return englishNumber(Math.round(n));
}

/** Hours per week and similar: "12", "3.4". */
export function formatHours(hours: number): string {
  return hours >= 10 ? hours.toFixed(0) : hours.toFixed(1);
}

/** Hours per week that may be unknown: "12", "3.4", "–". */
export function formatHoursOrDash(hours: number | null | undefined): string {
  return hours === null || hours === undefined ? '–' : formatHours(hours);
}

/** A cost in both quantities, in words: "about 12 h of delay and 3.4 engineer-hours per week". */
export function costPhrase(delay: number | null, engineer: number | null): string {
  const parts: string[] = [];
  if (delay !== null && delay >= 0.05) parts.push(`${formatHours(delay)} h of delay`);
  if (engineer !== null && engineer >= 0.05) parts.push(`${formatHours(engineer)} engineer-hours`);
  return parts.length === 0 ? 'under 0.1 h' : `about ${parts.join(' and ')} per week`;
}

/** A duration in seconds, humanised: "45 s", "12.5 min", "3.2 h", "4.1 d"; "–" for none. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** Build-scale durations: "4.2 s", "12.5 min". */
export function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(1)} s`;
  return `${(seconds / 60).toFixed(1)} min`;
}

/** A 0..1 share as "42.0 %"; "–" for none. */
export function formatPercent(share: number | null, digits = 1): string {
  return share === null ? '–' : `${(share * 100).toFixed(digits)} %`;
}

/** A relative change: "+25 %", "−10 %", "±0 %"; "–" for none. */
export function formatChange(change: number | null): string {
  if (change === null) return '–';
  const percent = Math.round(change * 100);
  return percent > 0 ? `+${percent} %` : percent < 0 ? `−${Math.abs(percent)} %` : '±0 %';
}

/** A day of an ISO timestamp: "2025-06-30". */
export const formatDay = (iso: string | null): string => (iso ? iso.slice(0, 10) : '–');

/** A value of a weekly comparison in its unit. */
export function formatValue(value: number | null, unit: 'count' | 'lines' | 'seconds' | 'percent'): string {
  if (value === null) return '–';
  if (unit === 'seconds') return formatDuration(value);
  if (unit === 'percent') return `${value.toFixed(1)} %`;
  return formatCount(value);
}

/**
 * "5 files (1 lock/generated, 4 prose/documentation)": the files left out of
 * hotspots and coupling, and why, naming only the reasons that occur.
 */
export function leftOutText(
  files: number,
  reasons: { generated: number; vendored: number; documentation: number; config: number },
): string {
  const parts = (
    [
      [reasons.generated, 'lock/generated'],
      [reasons.vendored, 'vendored'],
      [reasons.documentation, 'prose/documentation'],
      [reasons.config, 'by the config'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, label]) => `${formatCount(n)} ${label}`);
  return `${formatCount(files)} ${plural(files, 'file')}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}
