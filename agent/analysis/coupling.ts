// Change coupling with code-maat's definitions:
// - change sets with more than maxChangeSetSize entities are dropped first;
// - an entity's revisions (for coupling) are counted over the change sets that remain;
// - shared(a, b) = remaining change sets containing both;
// - degree = 100 × shared / ((revisions(a) + revisions(b)) / 2);
// - a pair is reported when average revisions ≥ minRevisions, shared ≥ minShared and
//   degree ≥ minDegree (compared exactly, before any rounding).
// Sum of coupling (code-maat's `soc`) of an entity = Σ over its remaining change
// sets of (entities in the change set − 1).
//
// Cost: pairs are only generated between entities that can still reach
// minShared (revisions ≥ minShared), and a change set never has more than
// maxChangeSetSize entities, so no all-pairs structure is ever built for a huge commit.
import type { CouplingSettings } from '../config.js';

export interface CouplingPair {
  a: number;
  b: number;
  shared: number;
  revisionsA: number;
  revisionsB: number;
  /** (revisionsA + revisionsB) / 2 */
  averageRevisions: number;
  /** Exact percentage (not rounded). */
  degree: number;
}

export interface CouplingResult {
  /** Reported pairs (a < b by id), unsorted. */
  pairs: CouplingPair[];
  /** Per entity id: revisions over the remaining change sets. */
  revisions: Int32Array;
  /** Per entity id: sum of coupling. */
  sumOfCoupling: Float64Array;
  /** Change sets left out for exceeding maxChangeSetSize. */
  dropped: number;
}

/**
 * `changeSets` yields the distinct entity ids (0..entityCount-1) of each change set.
 * Each change set must list an entity at most once.
 */
export function changeCoupling(
  changeSets: readonly (readonly number[])[],
  entityCount: number,
  settings: CouplingSettings,
): CouplingResult {
  const revisions = new Int32Array(entityCount);
  const sumOfCoupling = new Float64Array(entityCount);
  let dropped = 0;
  for (const set of changeSets) {
    if (set.length > settings.maxChangeSetSize) {
      dropped += 1;
      continue;
    }
    const others = set.length - 1;
    for (const id of set) {
      revisions[id]! += 1;
      sumOfCoupling[id]! += others;
    }
  }

  const shared = new Map<number, number>();
  const eligible = (id: number) => revisions[id]! >= settings.minShared;
  const scratch: number[] = [];
  for (const set of changeSets) {
    if (set.length < 2 || set.length > settings.maxChangeSetSize) continue;
    scratch.length = 0;
    for (const id of set) if (eligible(id)) scratch.push(id);
    if (scratch.length < 2) continue;
    scratch.sort((x, y) => x - y);
    for (let i = 0; i < scratch.length; i++) {
      const base = scratch[i]! * entityCount;
      for (let j = i + 1; j < scratch.length; j++) {
        const key = base + scratch[j]!;
        shared.set(key, (shared.get(key) ?? 0) + 1);
      }
    }
  }

  const pairs: CouplingPair[] = [];
  for (const [key, count] of shared) {
    if (count < settings.minShared) continue;
    const a = Math.floor(key / entityCount);
    const b = key - a * entityCount;
    const sum = revisions[a]! + revisions[b]!;
    // average ≥ minRevisions ⇔ sum ≥ 2 × minRevisions; degree ≥ minDegree ⇔ 200 × shared ≥ minDegree × sum
    if (sum < 2 * settings.minRevisions) continue;
    if (200 * count < settings.minDegree * sum) continue;
    pairs.push({
      a,
      b,
      shared: count,
      revisionsA: revisions[a]!,
      revisionsB: revisions[b]!,
      averageRevisions: sum / 2,
      degree: (200 * count) / sum,
    });
  }
  return { pairs, revisions, sumOfCoupling, dropped };
}
