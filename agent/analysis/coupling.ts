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
// Cost: no pair structure at all. Each entity's partners are counted in one
// reusable array over the change sets it belongs to (an inverted index), so
// memory is linear in the number of changes; only entities that can still
// reach minShared take part, and a change set never has more than
// maxChangeSetSize entities, so a huge commit costs nothing.
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
 * Change sets in flat form: set k holds members[offsets[k] .. offsets[k + 1]),
 * distinct entity ids in 0..entityCount-1.
 */
export interface ChangeSets {
  offsets: ArrayLike<number>;
  members: ArrayLike<number>;
}

/** Flat change sets from one list of ids per change set. */
export function changeSetsOf(lists: readonly (readonly number[])[]): ChangeSets {
  const offsets = [0];
  const members: number[] = [];
  for (const list of lists) {
    for (const id of list) members.push(id);
    offsets.push(members.length);
  }
  return { offsets, members };
}

export function changeCoupling(
  input: ChangeSets,
  entityCount: number,
  settings: CouplingSettings,
): CouplingResult {
  const revisions = new Int32Array(entityCount);
  const sumOfCoupling = new Float64Array(entityCount);
  const total = input.offsets.length - 1;
  const { offsets: at, members: of } = input;
  let dropped = 0;
  for (let k = 0; k < total; k++) {
    const size = at[k + 1]! - at[k]!;
    if (size > settings.maxChangeSetSize) {
      dropped += 1;
      continue;
    }
    for (let m = at[k]!; m < at[k + 1]!; m++) {
      revisions[of[m]!]! += 1;
      sumOfCoupling[of[m]!]! += size - 1;
    }
  }

  // Kept change sets reduced to their eligible entities (those that can reach
  // minShared), stored flat: members[offsets[k] .. offsets[k + 1]).
  const eligible = (id: number) => revisions[id]! >= settings.minShared;
  const offsets: number[] = [0];
  const flat: number[] = [];
  for (let k = 0; k < total; k++) {
    const size = at[k + 1]! - at[k]!;
    if (size < 2 || size > settings.maxChangeSetSize) continue;
    const start = flat.length;
    for (let m = at[k]!; m < at[k + 1]!; m++) if (eligible(of[m]!)) flat.push(of[m]!);
    if (flat.length - start < 2) flat.length = start;
    else offsets.push(flat.length);
  }
  const members = Int32Array.from(flat);
  const sets = offsets.length - 1;
  // entity → the kept change sets it is in (inverted index, same flat layout)
  const firstSet = new Int32Array(entityCount + 1);
  for (const id of members) firstSet[id + 1]! += 1;
  for (let e = 0; e < entityCount; e++) firstSet[e + 1]! += firstSet[e]!;
  const setsOf = new Int32Array(members.length);
  const fill = firstSet.slice(0, entityCount);
  for (let k = 0; k < sets; k++) {
    for (let m = offsets[k]!; m < offsets[k + 1]!; m++) setsOf[fill[members[m]!]!++] = k;
  }

  // For each entity a, count its partners b > a over its change sets in one
  // reusable array: memory stays linear in the number of file changes.
  const pairs: CouplingPair[] = [];
  const counts = new Int32Array(entityCount);
  const touched: number[] = [];
  for (let a = 0; a < entityCount; a++) {
    if (firstSet[a + 1]! - firstSet[a]! < settings.minShared) continue;
    for (let s = firstSet[a]!; s < firstSet[a + 1]!; s++) {
      const k = setsOf[s]!;
      for (let m = offsets[k]!; m < offsets[k + 1]!; m++) {
        const b = members[m]!;
        if (b <= a) continue;
        if (counts[b] === 0) touched.push(b);
        counts[b]! += 1;
      }
    }
    for (const b of touched) {
      const count = counts[b]!;
      counts[b] = 0;
      if (count < settings.minShared) continue;
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
    touched.length = 0;
  }
  return { pairs, revisions, sumOfCoupling, dropped };
}
