// Diagnoses every person of a list of delivered changes in process, the way the
// delivery analysis does (one effect model on all of them, default settings), over
// the 13 weeks the composed organisations span: for the tests and the benchmark
// that run the diagnosis on composed organisations.
import {
  DEFAULT_DIAGNOSIS,
  type Delivery,
  diagnose,
  groupDeliveries,
} from '../../agent/analysis/diagnosis.js';
import { fitEffects } from '../../agent/analysis/effects.js';

export function diagnosePeople(deliveries: readonly Delivery[], model = fitEffects(deliveries)) {
  return {
    model,
    results: diagnose(
      deliveries,
      groupDeliveries(deliveries).people,
      'person',
      { ...DEFAULT_DIAGNOSIS, weeks: 13 },
      model,
    ),
  };
}
