// The diagnosis names the planted cause for the affected people, and nobody
// else, on every seed (slow CI on one repository; a fragile, coupled module).
import { describe, it } from 'vitest';
import { checkScenario, SEEDS } from './verdicts.js';

describe('diagnosis on planted scenarios', () => {
  for (const cause of ['builds_ci', 'fragile_architecture'] as const) {
    for (const seed of SEEDS) {
      it(`${cause}, seed ${seed}`, () => checkScenario(cause, seed), 120_000);
    }
  }
});
