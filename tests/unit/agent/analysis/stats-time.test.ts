import { describe, expect, it } from 'vitest';
import {
  mannWhitneyGreater,
  median,
  normalCdf,
  stddev,
  studentTCdf,
  summarize,
} from '../../../../agent/analysis/stats.js';
import { isoWeek, isoWeekRange, isValidIsoWeek, workingSeconds } from '../../../../agent/analysis/time.js';
import type { WorkingHours } from '../../../../agent/config.js';

describe('statistics', () => {
  it('median and p90 by linear interpolation', () => {
    expect(summarize([])).toEqual({ median: null, p90: null, n: 0 });
    expect(summarize([5])).toEqual({ median: 5, p90: 5, n: 1 });
    // sorted 1..10: median (5+6)/2; p90 at rank 8.1 → 9 + 0.1 × 1
    expect(summarize([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual({ median: 5.5, p90: 9.1, n: 10 });
    expect(median([3, 1, 2])).toBe(2);
    expect(stddev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138, 3);
  });

  it('normal CDF matches tabulated values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(normalCdf(-2.326)).toBeCloseTo(0.01, 3);
  });

  it('Mann–Whitney: clearly larger samples give a small p, equal ones do not', () => {
    const low = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const high = low.map((v) => v + 20);
    expect(mannWhitneyGreater(high, low)).toBeLessThan(0.001);
    expect(mannWhitneyGreater(low, high)).toBeGreaterThan(0.999);
    expect(mannWhitneyGreater(low, low)).toBeGreaterThan(0.4);
    // hand-computed: a = [3, 4], b = [1, 2]: U = 4, mean 2, var = 4·5/12 = 5/3, z = (4 − 2 − 0.5)/√(5/3)
    expect(mannWhitneyGreater([3, 4], [1, 2])).toBeCloseTo(1 - normalCdf(1.5 / Math.sqrt(5 / 3)), 6);
  });
});

describe("Student's t", () => {
  it('matches printed critical values and the closed forms for 1 and 2 degrees of freedom', () => {
    // two-sided 5 % and 1 % critical values from standard t tables
    for (const [t, df, p] of [
      [12.706, 1, 0.975],
      [4.303, 2, 0.975],
      [2.571, 5, 0.975],
      [2.228, 10, 0.975],
      [2.086, 20, 0.975],
      [4.032, 5, 0.995],
      [2.845, 20, 0.995],
    ] as const)
      expect(studentTCdf(t, df)).toBeCloseTo(p, 4);
    // df = 1 is Cauchy: ½ + atan(t)/π; df = 2: ½ + t / (2√(t² + 2))
    for (const t of [-3, -0.5, 0, 0.7, 2, 10]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(t * t + 2)), 12);
    }
    // a fractional df lies between its neighbours; infinite df is the normal
    expect(studentTCdf(2, 3.5)).toBeGreaterThan(studentTCdf(2, 3));
    expect(studentTCdf(2, 3.5)).toBeLessThan(studentTCdf(2, 4));
    expect(studentTCdf(1.96, Number.POSITIVE_INFINITY)).toBe(normalCdf(1.96));
    expect(studentTCdf(1.96, 1e6)).toBeCloseTo(normalCdf(1.96), 5);
  });
});

describe('calendar', () => {
  it('ISO weeks, including year boundaries and time zones', () => {
    expect(isoWeek(Date.parse('2025-01-01T12:00:00Z'))).toBe('2025-W01');
    expect(isoWeek(Date.parse('2024-12-30T00:00:00Z'))).toBe('2025-W01');
    expect(isoWeek(Date.parse('2021-01-03T12:00:00Z'))).toBe('2020-W53');
    // Sunday 23:30 UTC is already Monday in Berlin
    expect(isoWeek(Date.parse('2025-03-09T23:30:00Z'), 'UTC')).toBe('2025-W10');
    expect(isoWeek(Date.parse('2025-03-09T23:30:00Z'), 'Europe/Berlin')).toBe('2025-W11');
    const range = isoWeekRange('2025-W11', 'Europe/Berlin');
    expect(new Date(range.start).toISOString()).toBe('2025-03-09T23:00:00.000Z');
    expect(new Date(range.end).toISOString()).toBe('2025-03-16T23:00:00.000Z');
    expect(isValidIsoWeek('2020-W53')).toBe(true);
    expect(isValidIsoWeek('2021-W53')).toBe(false);
    expect(isValidIsoWeek('2021-13')).toBe(false);
  });

  it('working hours skip nights, weekends and holidays in the right zone', () => {
    const hours: WorkingHours = {
      days: [1, 2, 3, 4, 5],
      start: '09:00',
      end: '17:00',
      timeZone: 'UTC',
      people: {},
      holidays: ['2025-03-12'],
    };
    // Friday 16:00 → Monday 10:00 UTC: 1 h Friday + 1 h Monday
    expect(
      workingSeconds(Date.parse('2025-03-07T16:00:00Z'), Date.parse('2025-03-10T10:00:00Z'), hours),
    ).toBe(7200);
    // Tuesday 12:00 → Thursday 12:00 with Wednesday a holiday: 5 h + 3 h
    expect(
      workingSeconds(Date.parse('2025-03-11T12:00:00Z'), Date.parse('2025-03-13T12:00:00Z'), hours),
    ).toBe(8 * 3600);
    // New York: 13:00 UTC is 09:00 EDT (after the 9 March DST switch)
    expect(
      workingSeconds(
        Date.parse('2025-03-10T13:00:00Z'),
        Date.parse('2025-03-10T21:00:00Z'),
        hours,
        'America/New_York',
      ),
    ).toBe(8 * 3600);
    expect(workingSeconds(10, 5, hours)).toBe(0);
  });
});

describe('rank test over a ranked population', () => {
  it('gives the same p-value as the two-sample form', async () => {
    const { mannWhitneyGreaterRanked, rankAll } = await import('../../../../agent/analysis/stats.js');
    const population = [5, 3, 9, 9, 1, 7, 3, 12, 8, 8, 2, 6, 10, 4, 9];
    const mine = [2, 7, 8, 12, 13]; // indices into population
    const { ranks, tieTerm } = rankAll(population);
    const rankSum = mine.reduce((t, i) => t + ranks[i]!, 0);
    const a = mine.map((i) => population[i]!);
    const b = population.filter((_, i) => !mine.includes(i));
    expect(mannWhitneyGreaterRanked(rankSum, a.length, population.length, tieTerm)).toBeCloseTo(
      mannWhitneyGreater(a, b),
      12,
    );
  });
});
