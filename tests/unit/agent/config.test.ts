import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  loadConfig,
  parseSince,
  parseSinceOrNull,
  validateConfig,
} from '../../../agent/config.js';
import { InputError } from '../../../agent/errors.js';

describe('config validation', () => {
  it('accepts an empty object and returns the defaults', () => {
    const { config, errors, warnings } = validateConfig({});
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config).toEqual(DEFAULT_CONFIG);
  });

  it('reports every problem at once, each naming its field', () => {
    const { errors, warnings } = validateConfig({
      repositories: 'not-a-list',
      coupling: { minShared: 0, minDegree: 140 },
      workingHours: { start: '9am', timeZone: 'Nowhere/City', days: [0] },
      fixPatterns: ['(unclosed'],
      extra: true,
    });
    expect(errors).toEqual([
      '"repositories" must be a list of strings',
      '"fixPatterns" has an invalid regular expression: (unclosed',
      '"coupling.minShared" must be a whole number ≥ 1',
      '"coupling.minDegree" must be a number from 0 to 100',
      '"workingHours.days" must list ISO weekdays 1 (Monday) to 7 (Sunday)',
      '"workingHours.start" must be a time like "09:00"',
      '"workingHours.timeZone" must be an IANA time zone like "Europe/Berlin", not "Nowhere/City"',
    ]);
    expect(warnings).toEqual(['unknown field "extra" is ignored']);
  });

  it('normalises valid sections', () => {
    const { config, errors } = validateConfig({
      teams: { core: ['alice', 'bob@example.com'] },
      workingHours: { timeZone: 'Europe/Berlin', holidays: ['2025-12-25'] },
      coupling: { minDegree: 50 },
      '// note': 'comments are allowed',
    });
    expect(errors).toEqual([]);
    expect(config.teams).toEqual({ core: ['alice', 'bob@example.com'] });
    expect(config.workingHours).toMatchObject({
      timeZone: 'Europe/Berlin',
      start: '09:00',
      days: [1, 2, 3, 4, 5],
    });
    expect(config.coupling).toEqual({ maxChangeSetSize: 30, minRevisions: 5, minShared: 5, minDegree: 50 });
  });

  it('parses --since durations and dates', () => {
    const now = new Date('2025-03-31T12:00:00Z');
    expect(parseSinceOrNull('90d', now)?.toISOString()).toBe('2024-12-31T12:00:00.000Z');
    expect(parseSinceOrNull('2w', now)?.toISOString()).toBe('2025-03-17T12:00:00.000Z');
    expect(parseSinceOrNull('1y', now)?.toISOString()).toBe('2024-03-31T12:00:00.000Z');
    expect(parseSinceOrNull('2025-01-02', now)?.toISOString()).toBe('2025-01-02T00:00:00.000Z');
    expect(parseSinceOrNull('last tuesday', now)).toBeNull();
  });
});

describe('dates and config paths name the real problem', () => {
  it('a day the month lacks is refused, not rolled over into the next month', () => {
    expect(parseSinceOrNull('2025-02-30')).toBeNull();
    expect(parseSinceOrNull('2025-02-29')).toBeNull();
    expect(parseSinceOrNull('2025-04-31')).toBeNull();
    expect(parseSinceOrNull('2025-13-01')).toBeNull();
    expect(parseSinceOrNull('2025-00-10')).toBeNull();
    // 2024 is a leap year; 1900 is not, 2000 is
    expect(parseSinceOrNull('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseSinceOrNull('1900-02-29')).toBeNull();
    expect(parseSinceOrNull('2000-02-29')?.toISOString()).toBe('2000-02-29T00:00:00.000Z');
    expect(parseSinceOrNull('2025-12-31')?.toISOString()).toBe('2025-12-31T00:00:00.000Z');
    let caught: unknown;
    try {
      parseSince('2025-02-30');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).exitCode).toBe(2);
    expect((caught as InputError).line).toBe(
      '--since "2025-02-30" is not a real date: February 2025 has 28 days — pass an existing day, e.g. --since 2025-02-01',
    );
    expect(() => parseSince('2025-13-05', '--until')).toThrow(
      '--until "2025-13-05" is not a real date: there is no month 13',
    );
  });

  it('--config naming a folder says so, not "not valid JSON"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dx-audit-config-'));
    try {
      expect(() => loadConfig(dir)).toThrow(
        new InputError(`the config path ${dir} is a folder, not a file`, {
          fix: `pass the file itself, e.g. --config ${join(dir, 'dx-audit.config.json')}`,
        }),
      );
      let line = '';
      try {
        loadConfig(dir);
      } catch (error) {
        line = (error as InputError).line;
      }
      expect(line).toBe(
        `the config path ${dir} is a folder, not a file — pass the file itself, e.g. --config ${join(dir, 'dx-audit.config.json')}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
