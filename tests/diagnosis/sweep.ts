// In-process diagnosis of planted organisations: the scenario's GitHub data
// is written straight into a real SQLite file (seedOrg, the collector's own
// writers), and the delivery analysis runs on it in this process — no CLI, no
// git — so sweeps over many seeds stay fast. Fragility is measured from the
// pull requests' own files (modules), so no git history is needed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Architecture, emptyArchitecture } from '../../agent/analysis/architecture.js';
import { analyseDelivery, type DeliveryAnalysis } from '../../agent/analysis/delivery.js';
import { DEFAULT_CONFIG } from '../../agent/config.js';
import { Db } from '../../agent/store/db.js';
import type { GenOrg } from '../support/github-generator.js';
import { type PlantedCause, SCENARIO_DAYS, scenarioOrg } from '../support/scenarios.js';
import { seedOrg } from '../support/seed-github.js';

export const NO_ARCHITECTURE: Architecture = emptyArchitecture();

/** Seeds `org` into a fresh SQLite file and runs the delivery analysis over `days` ending at its `now`. */
export async function analyseOrg(org: GenOrg, days: number): Promise<DeliveryAnalysis> {
  const dir = mkdtempSync(join(tmpdir(), 'dx-sweep-'));
  try {
    const dbPath = join(dir, 'dx.db');
    await seedOrg(dbPath, org);
    const db = await Db.open(dbPath);
    try {
      const until = Math.floor(org.now / 1000);
      return await analyseDelivery(
        db,
        { since: until - days * 86_400, until },
        DEFAULT_CONFIG,
        NO_ARCHITECTURE,
        null,
        null,
      );
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SweepResult {
  cause: PlantedCause;
  seed: number;
  /** Person → verdict. */
  verdicts: Record<string, string>;
  /** Person → expected verdict ('none' unless planted). */
  expected: Record<string, string>;
  planted: number;
  named: number;
  /** People with a verdict though nothing was planted on them. */
  falseFlags: number;
  judged: number;
  analysis: DeliveryAnalysis;
}

/** Diagnoses one planted organisation in process and scores it against what was planted. */
export async function sweepOne(cause: PlantedCause, seed: number): Promise<SweepResult> {
  const { org, expected } = scenarioOrg(cause, seed);
  const analysis = await analyseOrg(org, SCENARIO_DAYS);
  const people = analysis.diagnosis.filter((d) => d.kind === 'person');
  const verdicts = Object.fromEntries(people.map((d) => [d.subject, d.verdict]));
  const want = Object.fromEntries(people.map((d) => [d.subject, expected[d.subject] ?? 'none']));
  let planted = 0;
  let named = 0;
  let falseFlags = 0;
  for (const d of people) {
    const e = want[d.subject]!;
    if (e !== 'none') {
      planted += 1;
      if (d.verdict === e) named += 1;
    } else if (d.verdict !== 'none') falseFlags += 1;
  }
  return {
    cause,
    seed,
    verdicts,
    expected: want,
    planted,
    named,
    falseFlags,
    judged: people.length,
    analysis,
  };
}
