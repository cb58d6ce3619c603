// A second, independent way to build planted organisations: no GitHub data,
// no generator hooks, no SQLite — each delivered change is composed stage by
// stage from distributions, the way a queueing model of a team would draw it:
//
//   coding  = log-normal(8 h, σ 0.7) × size^0.25 × (fragile module: 2.2)
//   CI      = per push (1 + review rounds): queue + run, a flaky run re-runs,
//             and the author comes back after an exponential lag whose mean
//             grows with the run (slow CI: 8 h a push, which puts a person
//             who works only there about 13 h above the others on the median,
//             as on the independently built organisation with slow CI)
//   pickup  = log-normal(the first reviewer's own median, σ 0.9)
//   review  = log-normal(5 h, σ 0.8) × size^0.25 × (fragile module: 3)
//   stale   = 6 % of changes sit 4–9 days waiting for someone
//
// Sizes are log-normal around 110 lines (σ 1.1); a change touches one or two
// of its repository's modules. Everything is independent of the effect model
// in agent/analysis (no log-linear structure is assumed: stages add up).
import type { Delivery } from '../../agent/analysis/diagnosis.js';
import { Random } from './random.js';

export type ComposedCause =
  | 'builds_ci'
  | 'fragile_architecture'
  | 'review_bottleneck'
  | 'oversized_changes'
  | 'mixed'
  | 'none';

/** The causes planted alone and together, in that order ('none' is the null organisation). */
export const COMPOSED_PLANTED: readonly ComposedCause[] = [
  'builds_ci',
  'fragile_architecture',
  'review_bottleneck',
  'oversized_changes',
  'mixed',
];

export interface ComposedOrg {
  deliveries: Delivery[];
  /** Person → planted verdict; everyone else expects none. */
  expected: Record<string, string>;
  /** The person slower for no system reason (null orgs: 1.3–1.6×; mixed: the control, ×1.2). */
  outlier: string | null;
  people: string[];
}

const H = 3600;
const MODULES = ['core', 'api', 'ui', 'jobs', 'data', 'auth'];

/** Builds one organisation: 11 people in 3 repositories, 25–30 merged changes each. */
export function composeOrg(cause: ComposedCause, seed: number): ComposedOrg {
  const r = new Random(seed * 7919 + cause.length);
  const people = Array.from({ length: 11 }, (_, i) => `eng${String.fromCharCode(97 + i)}`);
  const home = (i: number) => (i < 4 ? 'alpha' : i < 8 ? 'beta' : 'gamma');
  const expected: Record<string, string> = {};
  // the planted parameters
  let slowCiRepo: string | null = null;
  let fragile: { repo: string; module: string; person: string } | null = null;
  let bottleneck: { reviewer: string; waiting: string } | null = null;
  let oversized: string | null = null;
  let outlier: string | null = null;
  let outlierFactor = 1;
  const plantCi = () => {
    slowCiRepo = 'gamma';
    for (const [i, p] of people.entries()) if (home(i) === 'gamma') expected[p] = 'builds_ci';
  };
  const plantFragile = () => {
    fragile = { repo: 'alpha', module: 'core', person: people[0]! };
    expected[people[0]!] = 'fragile_architecture';
  };
  const plantReview = () => {
    bottleneck = { reviewer: people[7]!, waiting: people[4]! };
    expected[people[4]!] = 'review_bottleneck';
  };
  const plantSize = () => {
    oversized = people[1]!;
    expected[people[1]!] = 'oversized_changes';
  };
  switch (cause) {
    case 'builds_ci':
      plantCi();
      break;
    case 'fragile_architecture':
      plantFragile();
      break;
    case 'review_bottleneck':
      plantReview();
      break;
    case 'oversized_changes':
      plantSize();
      break;
    case 'mixed':
      plantCi();
      plantFragile();
      plantReview();
      plantSize();
      outlier = people[5]!;
      outlierFactor = 1.2;
      break;
    case 'none':
      outlier = people[r.int(0, people.length - 1)]!;
      outlierFactor = 1.3 + 0.3 * r.next();
      break;
  }
  const reviewerMedian = new Map(people.map((p) => [p, r.logNormal(3 * H, 0.25)]));
  if (bottleneck) reviewerMedian.set((bottleneck as { reviewer: string }).reviewer, 15 * H);

  const deliveries: Delivery[] = [];
  const start = 1_735_689_600; // 2025-01-01
  for (const [i, person] of people.entries()) {
    const repo = home(i);
    const mates = people.filter((p, j) => home(j) === repo && p !== person);
    const n = r.int(25, 30);
    for (let c = 0; c < n; c += 1) {
      let size = Math.max(1, Math.round(r.logNormal(110, 1.1)));
      if (person === oversized) size = Math.round(r.logNormal(2400, 0.5));
      const sizeFactor = (size / 110) ** 0.25;
      const f = fragile as { repo: string; module: string; person: string } | null;
      const share = f && repo === f.repo ? (person === f.person ? 0.75 : 0.2) : 0;
      const modules = new Set<string>();
      if (r.chance(share)) modules.add(f!.module);
      else modules.add(r.pick(MODULES.filter((m) => m !== f?.module || repo !== f.repo)));
      if (r.chance(0.3)) modules.add(r.pick(MODULES.filter((m) => m !== f?.module || repo !== f.repo)));
      const touchesFragile = f !== null && repo === f.repo && modules.has(f.module);
      const personal = person === outlier ? outlierFactor : 1;
      const coding = r.logNormal(8 * H, 0.7) * sizeFactor * (touchesFragile ? 2.2 : 1) * personal;
      const b = bottleneck as { reviewer: string; waiting: string } | null;
      const reviewer =
        b && person === b.waiting && r.chance(0.8)
          ? b.reviewer
          : r.pick(
              mates.filter((m) => m !== b?.reviewer || r.chance(0.15)).concat(mates.length ? [] : [person]),
            );
      const pickup = r.logNormal(reviewerMedian.get(reviewer)!, 0.9);
      const review = r.logNormal(5 * H, 0.8) * sizeFactor * (touchesFragile ? 3 : 1) * personal;
      const rounds = r.chance(0.35) ? r.int(1, 2) : 0;
      let ciWait = 0;
      let returnLag = 0;
      const slow = repo === slowCiRepo;
      for (let push = 0; push <= rounds; push += 1) {
        const queue = r.logNormal(slow ? 240 : 40, 0.5);
        const run = r.logNormal(slow ? 40 * 60 : 8 * 60, 0.3);
        ciWait += queue + run;
        if (r.chance(slow ? 0.25 : 0.05)) ciWait += queue + run; // flaky: re-run
        // people drift away during long runs: the lag's mean grows with the wait
        returnLag += -Math.log(Math.max(1e-12, 1 - r.next())) * (slow ? 8 * H : 0.3 * H);
      }
      const stale = r.chance(0.06) ? r.int(4, 9) * 24 * H : 0;
      const cycle = coding + pickup + review + ciWait + returnLag + stale;
      const mergedAt = start + Math.round(r.next() * 90 * 86_400 + cycle);
      deliveries.push({
        repo,
        person,
        team: null,
        cycle: Math.round(cycle),
        pickup: Math.round(pickup),
        ciWait: Math.round(ciWait),
        size,
        reviewRounds: rounds + 1,
        fragile: false,
        mergedAt,
        modules: [...modules].map((m) => `src/${m}`),
        reviewer,
        returnLag: Math.round(returnLag),
      });
    }
  }
  return { deliveries, expected, outlier, people };
}
