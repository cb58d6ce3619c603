// The diagnosis names the planted cause for the affected people, and nobody
// else, on every seed (review bottleneck; oversized changes).
import { describe, it } from 'vitest';
import { checkScenario, SEEDS } from './verdicts.js';

describe('diagnosis on planted scenarios', () => {
  for (const cause of ['review_bottleneck', 'oversized_changes'] as const) {
    for (const seed of SEEDS) {
      it(`${cause}, seed ${seed}`, () => checkScenario(cause, seed), 120_000);
    }
  }
});
