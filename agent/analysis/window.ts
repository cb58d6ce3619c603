// The one analysis window of a run: every output (terminal, JSON, text,
// Markdown, HTML, dashboard) covers it and states it with the same words.
// Default: the last `weeks` weeks ending at the newest collected data, or at
// `until` (now) if that is sooner. A window reaching before the first
// collected data is clamped to the data, so no output draws empty weeks.
import type { Queryable } from '../store/db.js';
import type { ReportWindow } from './model.js';

const DAY = 86_400;
const WEEK = 7 * DAY;

/** How many weeks the default window spans. */
export const DEFAULT_WINDOW_WEEKS = 52;

export interface ResolvedWindow {
  /** Unix seconds; null only when nothing is collected at all. */
  since: number | null;
  until: number;
  report: ReportWindow;
}

/** Newest and oldest delivery facts (commits, pull requests, CI runs; deployments, tags and releases for the newest) at or before `until`, unix seconds. */
async function dataSpan(
  q: Queryable,
  until: number,
  since: number | null,
): Promise<{ newest: number | null; oldest: number | null }> {
  const row = await q.get<{ newest: number | null; oldest: number | null }>(
    `SELECT MAX(t) AS newest, MIN(CASE WHEN ?2 IS NULL OR t >= ?2 THEN t END) AS oldest FROM (
       SELECT MAX(commit_time) AS t FROM git_commits WHERE commit_time <= ?1
       UNION ALL SELECT MIN(commit_time) FROM git_commits WHERE commit_time <= ?1 AND (?2 IS NULL OR commit_time >= ?2)
       UNION ALL SELECT MAX(COALESCE(merged_at, created_at)) FROM github_pull_requests WHERE COALESCE(merged_at, created_at) <= ?1
       UNION ALL SELECT MIN(COALESCE(merged_at, created_at)) FROM github_pull_requests
                 WHERE COALESCE(merged_at, created_at) <= ?1 AND (?2 IS NULL OR COALESCE(merged_at, created_at) >= ?2)
       UNION ALL SELECT MAX(created_at) FROM github_workflow_runs WHERE created_at <= ?1
       UNION ALL SELECT MIN(created_at) FROM github_workflow_runs WHERE created_at <= ?1 AND (?2 IS NULL OR created_at >= ?2)
       UNION ALL SELECT MAX(created_at) FROM github_deployments WHERE created_at <= ?1
       UNION ALL SELECT MAX(tagged_at) FROM git_tags WHERE tagged_at <= ?1
       UNION ALL SELECT MAX(COALESCE(published_at, created_at)) FROM github_releases WHERE COALESCE(published_at, created_at) <= ?1
     )`,
    [until, since],
  );
  return { newest: row?.newest ?? null, oldest: row?.oldest ?? null };
}

const day = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);

/**
 * Resolves the window from the requested bounds (`--since`/`--until`, or
 * the config) and the collected data.
 */
export async function resolveWindow(
  q: Queryable,
  requested: { since: Date | null; until: Date },
  weeks = DEFAULT_WINDOW_WEEKS,
): Promise<ResolvedWindow> {
  const requestedUntil = Math.floor(requested.until.getTime() / 1000);
  const requestedSince = requested.since ? Math.floor(requested.since.getTime() / 1000) : null;
  const span = await dataSpan(q, requestedUntil, null);
  const basis: string[] = [];
  let until = requestedUntil;
  if (span.newest !== null && span.newest < requestedUntil) {
    until = span.newest;
    // newer data past a requested end is not "the newest collected data": say which newest it is
    const after = await dataSpan(q, Number.MAX_SAFE_INTEGER, null);
    basis.push(
      after.newest !== null && after.newest > requestedUntil
        ? 'ending at the newest data collected before its requested end'
        : 'ending at the newest collected data',
    );
  }
  let since = requestedSince ?? until - weeks * WEEK;
  if (requestedSince === null) basis.unshift(`the last ${weeks} weeks`);
  const inside = await dataSpan(q, until, since);
  if (inside.oldest !== null && inside.oldest > since) {
    since = inside.oldest;
    basis.push('starting at the oldest collected data inside it');
  }
  if (span.newest === null) {
    // no delivery data at all: the requested window as it is (builds may still fall in it), else no start to state
    const start = requestedSince;
    return {
      since: start,
      until,
      report: {
        since: start === null ? null : new Date(start * 1000).toISOString(),
        until: new Date(until * 1000).toISOString(),
        weeks: start === null ? 0 : Number((Math.max(until - start, DAY) / WEEK).toFixed(2)),
        basis: 'no git, pull request or CI data collected',
        statement: `${start === null ? 'up to' : `${day(start)} →`} ${day(until)} (no git, pull request or CI data collected)`,
      },
    };
  }
  // One rounded length for the JSON and the statement: rounding the raw length to one decimal
  // could say 1.3 weeks where every output formatting the JSON's 1.35 says 1.4
  const weeksLong = Number((Math.max(until - since, DAY) / WEEK).toFixed(2));
  const text = basis.length > 0 ? basis.join(', ') : 'as requested';
  return {
    since,
    until,
    report: {
      since: new Date(since * 1000).toISOString(),
      until: new Date(until * 1000).toISOString(),
      weeks: weeksLong,
      basis: text,
      statement: `${day(since)} → ${day(until)} (${weeksLong.toFixed(1)} weeks: ${text})`,
    },
  };
}
