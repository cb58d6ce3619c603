// DORA performance bands: the clusters of the 2023 Accelerate State of DevOps
// Report (Google Cloud's DORA team), turned into cut-offs so a figure can be
// placed in a band. The cut-offs are data, shipped in the report, so readers
// see exactly what a band means (docs/dora.md explains the derivation).

export type DoraBand = 'elite' | 'high' | 'medium' | 'low';
const ORDER: readonly DoraBand[] = ['elite', 'high', 'medium', 'low'];

/** The report edition the cut-offs come from. */
export const DORA_EDITION = 'Accelerate State of DevOps Report 2023 (DORA, Google Cloud)';

const DAY = 86_400;
const WEEK = 7 * DAY;

/** One key's cut-offs: a figure belongs to the first band whose test it passes. */
export interface BandThreshold {
  band: DoraBand;
  /** The report's wording for the cluster. */
  label: string;
  /** Inclusive bound: deployments per week at least `min`; durations and rates below (or at) `max`. */
  min?: number;
  max?: number;
}

/** Cut-offs per key, elite first. Durations in seconds, rates as shares (0.05 = 5 %). */
export const DORA_THRESHOLDS: {
  deploymentFrequency: BandThreshold[];
  leadTime: BandThreshold[];
  changeFailureRate: BandThreshold[];
  timeToRestore: BandThreshold[];
} = {
  deploymentFrequency: [
    { band: 'elite', label: 'on demand (daily or more)', min: 7 },
    { band: 'high', label: 'between once per day and once per week', min: 1 },
    { band: 'medium', label: 'between once per week and once per month', min: 7 / 30 },
    { band: 'low', label: 'less than once per month' },
  ],
  leadTime: [
    { band: 'elite', label: 'less than one day', max: DAY },
    { band: 'high', label: 'between one day and one week', max: WEEK },
    { band: 'medium', label: 'between one week and one month', max: 30 * DAY },
    { band: 'low', label: 'more than one month' },
  ],
  changeFailureRate: [
    { band: 'elite', label: '5 % or less', max: 0.05 },
    { band: 'high', label: '10 % or less', max: 0.1 },
    { band: 'medium', label: '15 % or less', max: 0.15 },
    { band: 'low', label: 'more than 15 % (the low cluster reported 64 %)' },
  ],
  timeToRestore: [
    { band: 'elite', label: 'less than one hour', max: 3600 },
    { band: 'high', label: 'less than one day', max: DAY },
    { band: 'medium', label: 'between one day and one week', max: WEEK },
    { band: 'low', label: 'more than one week' },
  ],
};

/** The band of one figure (null when the figure could not be computed). */
export function bandOf(key: keyof typeof DORA_THRESHOLDS, value: number | null): DoraBand | null {
  if (value === null) return null;
  for (const t of DORA_THRESHOLDS[key]) {
    if (t.min !== undefined && value >= t.min) return t.band;
    if (t.max !== undefined && value <= t.max) return t.band;
    if (t.min === undefined && t.max === undefined) return t.band;
  }
  return 'low';
}

/** The weakest of the given bands: a team is only as fast as its slowest key. */
export function weakestBand(bands: readonly (DoraBand | null)[]): DoraBand | null {
  let worst = -1;
  for (const b of bands) if (b !== null) worst = Math.max(worst, ORDER.indexOf(b));
  return worst < 0 ? null : ORDER[worst]!;
}
