// How numbers read: English digit grouping, and the left-out sentence every
// output uses for files kept out of hotspots and coupling.
import { describe, expect, it } from 'vitest';
import { englishNumber, leftOutText } from '../../../../agent/util/format.js';

const none = { generated: 0, vendored: 0, documentation: 0, config: 0 };

describe('leftOutText', () => {
  it('counts the files and names only the reasons that occur, in a fixed order', () => {
    expect(leftOutText(1, { ...none, generated: 1 })).toBe('1 file (1 lock/generated)');
    expect(leftOutText(5, { ...none, generated: 1, documentation: 4 })).toBe(
      '5 files (1 lock/generated, 4 prose/documentation)',
    );
    expect(leftOutText(1234, { generated: 1000, vendored: 200, documentation: 30, config: 4 })).toBe(
      '1,234 files (1,000 lock/generated, 200 vendored, 30 prose/documentation, 4 by the config)',
    );
    expect(leftOutText(0, none)).toBe('0 files');
  });
});

describe('englishNumber', () => {
  it('groups whole numbers as en-US does, without loading ICU', () => {
    const intl = new Intl.NumberFormat('en-US');
    // every length of number, both signs, and the edges of the safe range
    const wholes = [0, 1, 12, 999, 1000, 1234, 99_999, 100_000, 1_234_567, 12_345_678_901, 2 ** 53 - 1];
    for (const n of [...wholes, ...wholes.map((w) => -w)].filter((n) => !Object.is(n, -0))) {
      expect(englishNumber(n), String(n)).toBe(intl.format(n));
    }
    expect(englishNumber(1234)).toBe('1,234');
    expect(englishNumber(-1_234_567)).toBe('-1,234,567');
    expect(englishNumber(-0)).toBe('0');
  });

  it('leaves fractions and numbers past the safe range to Intl', () => {
    expect(englishNumber(1.5)).toBe('1.5');
    expect(englishNumber(1234.5678)).toBe('1,234.568');
    expect(englishNumber(2 ** 60)).toBe(new Intl.NumberFormat('en-US').format(2 ** 60));
  });
});
