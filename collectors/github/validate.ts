// Shape checks for API objects before they are stored: one malformed object
// (recorded GitHub data holds jobs without `created_at`) must cost only that
// object, never every other row of the same sync.

/** Why a REST job object cannot be stored, or null when it can. */
export function malformedJobReason(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not an object';
  const job = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(job['id'])) return 'no numeric id';
  if (typeof job['name'] !== 'string') return 'no name';
  if (typeof job['status'] !== 'string' || job['status'] === '') return 'no status';
  if (!isTime(job['created_at'])) return 'no valid created_at';
  for (const field of ['started_at', 'completed_at']) {
    if (job[field] !== null && job[field] !== undefined && !isTime(job[field])) return `an invalid ${field}`;
  }
  const attempt = job['run_attempt'];
  if (attempt !== undefined && !(Number.isSafeInteger(attempt) && (attempt as number) >= 1)) {
    return 'an invalid run_attempt';
  }
  if (job['labels'] !== undefined && job['labels'] !== null && !Array.isArray(job['labels'])) {
    return 'labels that are not a list';
  }
  return null;
}

/** Whether a REST job object has every field the store needs. */
export function isWellFormedJob(raw: unknown): boolean {
  return malformedJobReason(raw) === null;
}

/** "job 42 (build) has no valid created_at": the line --verbose shows for a skipped job. */
export function describeMalformedJob(raw: unknown): string {
  const job = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const id = job['id'] === undefined ? 'without id' : String(job['id']);
  const name = typeof job['name'] === 'string' ? ` (${job['name']})` : '';
  return `job ${id}${name} has ${malformedJobReason(raw) ?? 'nothing wrong'}`;
}

function isTime(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
}
