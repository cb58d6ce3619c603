// The left-out sentence every output uses for files kept out of hotspots and coupling.
import { describe, expect, it } from 'vitest';
import { leftOutText } from '../../../../agent/util/format.js';

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
