// Shared check for the planted-cause scenarios: build the organisation, run the
// real CLI over it, and compare the diagnosis with what was planted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { buildScenario, type PlantedCause, runScenario } from '../support/scenarios.js';

export const SEEDS = [1, 2, 3, 4, 5];

interface Diagnosis {
  subject: string;
  kind: string;
  verdict: string;
  enoughData: boolean;
  causes: { cause: string; share: number; hoursPerWeek: number; evidence: string }[];
}

/** Runs one scenario and asserts: affected people get the planted verdict, nobody else gets any. */
export async function checkScenario(cause: PlantedCause, seed: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `dx-verdict-${cause}-${seed}-`));
  try {
    const scenario = await buildScenario(cause, seed, dir);
    const { report } = await runScenario(scenario, join(dir, 'run'), { github: 'seed' });
    const people = (report.diagnosis as Diagnosis[]).filter((d) => d.kind === 'person');
    // every person of the organisation is judged, with enough data: the checks below cannot pass vacuously
    expect(people.map((d) => d.subject).sort()).toEqual([...scenario.people].sort());
    expect(people.every((d) => d.enoughData)).toBe(true);
    const verdicts = Object.fromEntries(people.map((d) => [d.subject, d.verdict]));
    const expected = Object.fromEntries(
      people.map((d) => [d.subject, scenario.affected.includes(d.subject) ? cause : 'none']),
    );
    expect({ cause, seed, verdicts }).toEqual({ cause, seed, verdicts: expected });
    // every affected person had enough data, and the planted cause carries evidence and hours
    for (const login of scenario.affected) {
      const d = people.find((p) => p.subject === login)!;
      expect(d.enoughData).toBe(true);
      const planted = d.causes.find((c) => c.cause === cause)!;
      expect(planted.hoursPerWeek).toBeGreaterThan(0);
      expect(planted.evidence.length).toBeGreaterThan(0);
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
