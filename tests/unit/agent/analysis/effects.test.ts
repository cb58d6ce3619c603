// The stage effects inside the model: what a change with two slow stages has
// taken out of its cycle time is shared between them, never counted twice,
// and a slow-CI verdict cites the CI effect, not the repository's.
import { describe, expect, it } from 'vitest';
import { fitEffects, logCycle } from '../../../../agent/analysis/effects.js';
import { ciStages, reviewerStages, stageExtra } from '../../../../agent/analysis/stages.js';
import { composeOrg } from '../../../support/composed-org.js';
import { diagnosePeople } from '../../../support/diagnose.js';

describe('stage effects in the model', () => {
  it('splits what a change with a slow reviewer and slow CI took out of its cycle time between the two', () => {
    // slow CI in gamma; engj, a reviewer there, picks up 6× slower, and the changes wait that long
    const org = composeOrg('builds_ci', 3);
    const deliveries = org.deliveries.map((d) =>
      d.repo === 'gamma' && d.reviewer === 'engj'
        ? { ...d, pickup: 6 * d.pickup!, cycle: d.cycle + 5 * d.pickup! }
        : d,
    );
    const model = fitEffects(deliveries);
    const ci = model.effects.findIndex((e) => e.kind === 'ci' && e.name === 'gamma');
    const reviewer = model.effects.findIndex((e) => e.kind === 'reviewer' && e.name === 'engj');
    expect(model.effects[ci]!.significant).toBe(true);
    expect(model.effects[reviewer]!.significant).toBe(true);
    // the stage multipliers, measured apart
    const ciStage = ciStages(deliveries, 10, 2).find((s) => s.name === 'gamma')!;
    const reviewerStage = reviewerStages(deliveries, 10).find((s) => s.name === 'engj')!;
    const slotOf = (k: number) => model.incrementEffects.indexOf(k);
    const { start, slots, values } = model.increments;
    let both = 0;
    for (const [i, d] of deliveries.entries()) {
      if (d.repo !== 'gamma' || d.reviewer !== 'engj') continue;
      both += 1;
      const extra =
        stageExtra(d.ciWait! + d.returnLag!, ciStage.multiplier) +
        stageExtra(d.pickup!, reviewerStage.multiplier);
      const removed = logCycle(d.cycle) - logCycle(d.cycle - Math.min(extra, 0.9 * d.cycle));
      let sum = 0;
      for (let b = start[i]!; b < start[i + 1]!; b += 1)
        if (slots[b] === slotOf(ci) || slots[b] === slotOf(reviewer)) sum += values[b]!;
      expect(sum).toBeCloseTo(removed, 10);
    }
    expect(both).toBeGreaterThanOrEqual(5);
  });

  it('cites the CI effect as the evidence of a slow-CI verdict, though the repository effect has the same name', () => {
    const org = composeOrg('builds_ci', 2);
    const model = fitEffects(org.deliveries);
    const ci = model.effects.find((e) => e.kind === 'ci' && e.name === 'gamma')!;
    const repository = model.effects.find((e) => e.kind === 'repository' && e.name === 'gamma')!;
    expect(repository.significant).toBe(false);
    const { results } = diagnosePeople(org.deliveries, model);
    for (const person of ['engi', 'engj', 'engk']) {
      const d = results.find((r) => r.subject === person)!;
      expect(d.verdict).toBe('builds_ci');
      expect(d.confidence).toBe(`based on ${d.prs} changes; ${ci.description}`);
    }
  });
});
