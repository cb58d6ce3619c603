// Calendar arithmetic in a time zone: ISO weeks, and working-hours durations
// (nights, weekends and holidays do not count) in the zone of the person who
// was waited on.
import type { WorkingHours } from '../config.js';

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(zone, f);
  }
  return f;
}

/** Wall-clock parts of an instant in a zone. */
export function wallClock(ms: number, zone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts['year']!,
    month: parts['month']!,
    day: parts['day']!,
    hour: parts['hour']!,
    minute: parts['minute']!,
    second: parts['second']!,
  };
}

/** Offset of `zone` from UTC at instant `ms`, in milliseconds. */
export function zoneOffset(ms: number, zone: string): number {
  if (zone === 'UTC') return 0;
  const w = wallClock(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The UTC instant of a wall-clock time in `zone` (the earlier one when ambiguous). */
export function fromWallClock(
  year: number,
  month: number,
  day: number,
  minutes: number,
  zone: string,
): number {
  const guess = Date.UTC(year, month - 1, day) + minutes * 60_000;
  const first = guess - zoneOffset(guess, zone);
  return guess - zoneOffset(first, zone);
}

/** ISO 8601 week of an instant in a zone, as "2025-W03". */
export function isoWeek(ms: number, zone = 'UTC'): string {
  const w = zone === 'UTC' ? null : wallClock(ms, zone);
  const date = w ? new Date(Date.UTC(w.year, w.month - 1, w.day)) : new Date(ms);
  const day = (date.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day + 3));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = 1 + Math.floor((thursday.getTime() - yearStart) / (7 * 86_400_000));
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Start (Monday 00:00 in `zone`) and end (next Monday 00:00) of an ISO week "YYYY-Www", as UTC ms. */
export function isoWeekRange(week: string, zone = 'UTC'): { start: number; end: number } {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) throw new RangeError(`not an ISO week: ${week}`);
  const year = Number(match[1]);
  const number = Number(match[2]);
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayWeek1 = Date.UTC(year, 0, 4 - ((jan4.getUTCDay() + 6) % 7));
  const monday = new Date(mondayWeek1 + (number - 1) * 7 * 86_400_000);
  const next = new Date(monday.getTime() + 7 * 86_400_000);
  return {
    start: fromWallClock(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), 0, zone),
    end: fromWallClock(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, zone),
  };
}

/** Whether "2025-W53"-style text names a real ISO week. */
export function isValidIsoWeek(week: string): boolean {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) return false;
  const n = Number(match[2]);
  if (n < 1 || n > 53) return false;
  return isoWeek(isoWeekRange(week).start) === week;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** The time zone a person works in: their own when the config names one, else the organisation's. */
export function zoneOf(hours: WorkingHours, person: string | null): string {
  return (
    (person ? (hours.people[person] ?? hours.people[person.toLowerCase()]) : undefined) ?? hours.timeZone
  );
}

/** Working seconds between two instants in Unix seconds, in `person`'s working hours. */
export function workingSpan(hours: WorkingHours, from: number, to: number, person: string | null): number {
  return workingSeconds(from * 1000, to * 1000, hours, zoneOf(hours, person));
}

/**
 * Seconds between two instants that fall inside working hours in `zone`:
 * configured weekdays, between start and end, holidays excluded.
 */
export function workingSeconds(
  startMs: number,
  endMs: number,
  hours: WorkingHours,
  zone = hours.timeZone,
): number {
  if (endMs <= startMs) return 0;
  const open = minutesOf(hours.start);
  const close = minutesOf(hours.end);
  const holidays = new Set(hours.holidays);
  const days = new Set(hours.days);
  const first = wallClock(startMs, zone);
  let cursor = Date.UTC(first.year, first.month - 1, first.day);
  let total = 0;
  // walk local calendar days; at most one extra day of slack for zone offsets
  for (let guard = 0; guard < 4000; guard += 1) {
    const d = new Date(cursor);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    const dayStart = fromWallClock(y, m, day, open, zone);
    if (dayStart >= endMs) break;
    const isoDay = ((d.getUTCDay() + 6) % 7) + 1;
    const key = `${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (days.has(isoDay) && !holidays.has(key)) {
      const dayEnd = fromWallClock(y, m, day, close, zone);
      const from = Math.max(startMs, dayStart);
      const to = Math.min(endMs, dayEnd);
      if (to > from) total += to - from;
    }
    cursor += 86_400_000;
  }
  return total / 1000;
}
