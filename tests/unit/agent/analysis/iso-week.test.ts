import { describe, expect, it } from 'vitest';
import {
  isoWeekOf,
  mondayOf,
  parseIsoWeek,
  previousWeek,
  weekBounds,
  weeksBetween,
} from '../../../../agent/analysis/iso-week.js';
import { InputError } from '../../../../agent/errors.js';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe('ISO weeks', () => {
  it('labels dates at year boundaries as ISO 8601 does', () => {
    expect(isoWeekOf(new Date('2024-01-01T00:00:00Z'))).toBe('2024-W01'); // a Monday
    expect(isoWeekOf(new Date('2021-01-03T23:59:59Z'))).toBe('2020-W53'); // Sunday of week 53
    expect(isoWeekOf(new Date('2019-12-30T00:00:00Z'))).toBe('2020-W01'); // Monday in the previous year
    expect(isoWeekOf(new Date('2026-12-31T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeekOf(new Date('2027-01-03T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeekOf(new Date('2027-01-04T00:00:00Z'))).toBe('2027-W01');
    expect(isoWeekOf(new Date('1970-01-01T00:00:00Z'))).toBe('1970-W01');
  });

  it('finds the Monday of a week and its bounds', () => {
    expect(mondayOf('2020-W53')).toBe(day('2020-12-28'));
    expect(mondayOf('2024-W01')).toBe(day('2024-01-01'));
    expect(weekBounds('2024-W10')).toEqual({
      start: new Date('2024-03-04T00:00:00Z'),
      end: new Date('2024-03-11T00:00:00Z'),
    });
    expect(previousWeek('2021-W01')).toBe('2020-W53');
  });

  it('lists the weeks between two days, inclusive', () => {
    expect(weeksBetween(day('2020-12-27'), day('2021-01-11'))).toEqual([
      '2020-W52',
      '2020-W53',
      '2021-W01',
      '2021-W02',
    ]);
    expect(weeksBetween(day('2024-01-02'), day('2024-01-01'))).toEqual([]);
  });

  it('parses --week and rejects weeks that do not exist', () => {
    expect(parseIsoWeek('2024-W7')).toBe('2024-W07');
    expect(parseIsoWeek('2020W53')).toBe('2020-W53');
    expect(() => parseIsoWeek('2021-W53')).toThrow(InputError);
    expect(() => parseIsoWeek('2021-W53')).toThrow('2021 has no week 53');
    expect(() => parseIsoWeek('2024-13')).toThrow('is not an ISO week');
    expect(() => parseIsoWeek('2024-W00')).toThrow(InputError);
  });
});
