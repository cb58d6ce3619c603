// Shared check for the planted-cause scenarios: build the organisation, run the
// real CLI over it (one end-to-end run per cause; the seed sweeps run in
// process, tests/diagnosis/sweep.ts), and compare the diagnosis with what was
// planted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { buildScenario, type PlantedCause, runScenario } from '../support/scenarios.js';

export const SEEDS = [1];

interface Diagnosis {
  subject: string;
  kind: string;
  verdict: string;
  enoughData: boolean;
  confidence: string;
  excess: number | null;
  baseline: number | null;
  causes: {
    cause: string;
    share: number;
    hoursPerWeek: number;
    delayHoursPerWeek: number;
    evidence: string;
  }[];
}

/**
 * Runs one scenario and asserts: affected people get the planted verdict; in a
 * null organisation nobody gets any; elsewhere someone else may only be named
 * with a cause planted in that organisation (a repo-mate who also touches the
 * slow module is slowed by it too), never with another.
 */
export async function checkScenario(cause: PlantedCause, seed: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `dx-verdict-${cause}-${seed}-`));
  try {
    const scenario = await buildScenario(cause, seed, dir);
    const { report } = await runScenario(scenario, join(dir, 'run'), { github: 'seed' });
    const people = (report.diagnosis as Diagnosis[]).filter((d) => d.kind === 'person');
    // every person of the organisation is judged, with enough data: the checks below cannot pass vacuously
    expect(people.map((d) => d.subject).sort()).toEqual([...scenario.people].sort());
    expect(people.every((d) => d.enoughData)).toBe(true);
    const planted = new Set(Object.values(scenario.expected));
    const verdicts = Object.fromEntries(people.map((d) => [d.subject, d.verdict]));
    const expected = Object.fromEntries(
      people.map((d) => {
        const want = scenario.expected[d.subject];
        // a planted person whose realised median stayed under the materiality bar is rightly not named
        if (want && d.verdict === 'none' && (d.excess ?? 0) < 0.25 * (d.baseline ?? 0))
          return [d.subject, 'none'];
        if (want) return [d.subject, want];
        return [d.subject, planted.has(d.verdict as never) ? d.verdict : 'none'];
      }),
    );
    expect({ cause, seed, verdicts }).toEqual({ cause, seed, verdicts: expected });
    // the check cannot pass on an organisation where nobody planted was named
    if (scenario.affected.length) expect(scenario.affected.some((p) => verdicts[p] !== 'none')).toBe(true);
    // the planted cause carries its delay, its evidence and the confidence in words
    for (const login of scenario.affected) {
      const d = people.find((p) => p.subject === login)!;
      if (d.verdict === 'none') continue;
      const want = scenario.expected[login]!;
      const found = d.causes.find((c) => c.cause === want)!;
      expect(found.delayHoursPerWeek).toBeGreaterThan(0);
      expect(found.hoursPerWeek).toBe(found.delayHoursPerWeek);
      expect(found.evidence.length).toBeGreaterThan(0);
      expect(d.confidence).toMatch(/^based on \d+ changes; .*95 % CI/);
    }
    const flagged = (report.costs as { cause: string; flagged: boolean }[])
      .filter((c) => c.flagged)
      .map((c) => c.cause);
    if (cause === 'none' || cause === 'chance') expect({ seed, flagged }).toEqual({ seed, flagged: [] });
    else expect(flagged.length).toBeGreaterThan(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
