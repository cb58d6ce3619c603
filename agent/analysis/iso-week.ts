// ISO 8601 weeks (Monday first; week 1 holds the year's first Thursday), in
// UTC. Weekly series and the weekly report are keyed by labels like 2025-W07.
import { InputError } from '../errors.js';

const DAY = 86_400;

/** Days since 1970-01-01 (UTC) of a unix time in seconds. */
export const dayOf = (unixSeconds: number): number => Math.floor(unixSeconds / DAY);

/** The ISO week label of a day number (days since 1970-01-01, UTC). */
export function isoWeekOfDay(day: number): string {
  // 1970-01-01 was a Thursday: ISO weekday 1..7 = Monday..Sunday.
  const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
  const thursday = day - weekday + 4;
  const date = new Date(thursday * DAY * 1000);
  const year = date.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / 1000 / DAY;
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The ISO week label of a Date. */
export const isoWeekOf = (date: Date): string => isoWeekOfDay(dayOf(date.getTime() / 1000));

/** Day number of the Monday that starts the ISO week `label`. */
export function mondayOf(label: string): number {
  const match = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!match) throw new Error(`not an ISO week: ${label}`);
  const year = Number(match[1]);
  const week = Number(match[2]);
  const jan4 = Date.UTC(year, 0, 4) / 1000 / DAY;
  const jan4Weekday = ((((jan4 + 3) % 7) + 7) % 7) + 1;
  return jan4 - (jan4Weekday - 1) + (week - 1) * 7;
}

/** Start (Monday 00:00 UTC, inclusive) and end (next Monday, exclusive) of an ISO week. */
export function weekBounds(label: string): { start: Date; end: Date } {
  const monday = mondayOf(label);
  return { start: new Date(monday * DAY * 1000), end: new Date((monday + 7) * DAY * 1000) };
}

/** Parses `--week YYYY-Www`, rejecting weeks that do not exist (e.g. 2021-W53). */
export function parseIsoWeek(text: string): string {
  const match = /^(\d{4})-?W(\d{1,2})$/i.exec(text.trim());
  const fix = 'pass an ISO week like 2025-W07 (Monday-first weeks, as `date +%G-W%V` prints)';
  if (!match) throw new InputError(`--week "${text}" is not an ISO week`, { fix });
  const label = `${match[1]}-W${match[2]!.padStart(2, '0')}`;
  const week = Number(match[2]);
  if (week < 1 || week > 53 || isoWeekOfDay(mondayOf(label)) !== label) {
    throw new InputError(`--week "${text}": ${match[1]} has no week ${week}`, { fix });
  }
  return label;
}

/** The week before `label`. */
export const previousWeek = (label: string): string => isoWeekOfDay(mondayOf(label) - 7);

/** Every week label from the week of `fromDay` to the week of `toDay`, inclusive and ascending. */
export function weeksBetween(fromDay: number, toDay: number): string[] {
  const weeks: string[] = [];
  if (toDay < fromDay) return weeks;
  const first = mondayOf(isoWeekOfDay(fromDay));
  for (let monday = first; monday <= toDay; monday += 7) weeks.push(isoWeekOfDay(monday));
  return weeks;
}
