// With no planted cause — or one person slower only by chance — nobody is
// flagged and no systemic cause is, on every seed.
import { describe, it } from 'vitest';
import { checkScenario, SEEDS } from './verdicts.js';

describe('diagnosis on null scenarios', () => {
  for (const cause of ['none', 'chance'] as const) {
    for (const seed of SEEDS) {
      it(`${cause}, seed ${seed}`, () => checkScenario(cause, seed), 120_000);
    }
  }
});
