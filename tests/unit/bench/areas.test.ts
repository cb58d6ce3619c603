// `npm run bench`: choosing areas, and judging each figure against its target.
import { describe, expect, it } from 'vitest';
import { rowsOf, selectAreas } from '../../bench/areas.js';

const names = (chosen: ReturnType<typeof selectAreas>) =>
  typeof chosen === 'string' ? chosen : chosen.map((a) => a.name);

describe('bench area selection', () => {
  it('runs every area by default, in order', () => {
    expect(names(selectAreas([], {}))).toEqual([
      'git',
      'architecture',
      'build',
      'github',
      'dashboard',
      'report',
      'diagnosis',
      'dora',
    ]);
  });

  it('takes --only from the arguments or DX_BENCH_ONLY, in the bench order', () => {
    expect(names(selectAreas(['--only', 'github,build'], {}))).toEqual(['build', 'github']);
    expect(names(selectAreas(['--only=dashboard'], {}))).toEqual(['dashboard']);
    expect(names(selectAreas([], { DX_BENCH_ONLY: ' git , build ' }))).toEqual(['git', 'build']);
    // the argument wins over the environment
    expect(names(selectAreas(['--only', 'github'], { DX_BENCH_ONLY: 'git' }))).toEqual(['github']);
  });

  it('names an unknown area or option and the valid ones', () => {
    expect(selectAreas(['--only', 'build,reprot'], {})).toBe(
      'unknown bench area reprot: choose among git, architecture, build, github, dashboard, report, diagnosis, dora',
    );
    expect(selectAreas(['--only', ''], {})).toBe(
      'unknown bench area (none given): choose among git, architecture, build, github, dashboard, report, diagnosis, dora',
    );
    expect(selectAreas(['--fast'], {})).toBe(
      'unknown option --fast: use --only git,architecture,build,github,dashboard,report,diagnosis,dora',
    );
  });
});

describe('bench rows', () => {
  it('marks targets met or missed, leaves other figures unjudged, and says when one was not measured', () => {
    expect(
      rowsOf(
        {
          'github: requests per 1,000 PRs (with reviews, commits, files)': 20,
          'github: requests for an unchanged re-sync (1st, 2nd)': '2, 4 (1 answered 304)',
          'github: pull requests': 2000,
        },
        'github',
      ),
    ).toEqual([
      ['requests per 1,000 PRs (with reviews, commits, files)', '20', '≤ 20', 'yes'],
      ['requests for an unchanged re-sync (1st, 2nd)', '2, 4 (1 answered 304)', '≤ 3 each', 'NO'],
      ['pull requests', '2000', '', ''],
    ]);
    expect(
      rowsOf(
        {
          'wrap: overhead median (ms, target < 60)': 60,
          '200-engineer year: file bytes': 1_999_999,
          '200-engineer year: render ms': 'skipped: no chromium',
        },
        '',
      ),
    ).toEqual([
      ['wrap: overhead median (ms, target < 60)', '60', '< 60 ms', 'NO'],
      ['200-engineer year: file bytes', '1,999,999', '< 2 MB', 'yes'],
      ['200-engineer year: render ms', 'skipped: no chromium', '< 2,000 ms', 'skipped'],
    ]);
  });
});
