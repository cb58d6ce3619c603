// The report the page was rendered with, and the reader's filter selection:
// repository, team and how many of the latest weeks to show.
import type { Report } from '../../agent/analysis/model.js';

export interface Filters {
  /** Index into series.repositories as text; '' for all. */
  repo: string;
  /** Index into series.teams as text; '' for all. */
  team: string;
  /** 'all' or a number of latest weeks. */
  window: string;
}

export class PageState {
  readonly filters: Filters = { repo: '', team: '', window: 'all' };
  private readonly repoIndex: Map<string, number>;

  constructor(readonly report: Report) {
    this.repoIndex = new Map(report.series.repositories.map((name, i) => [name, i]));
  }

  get weeks(): string[] {
    return this.report.series.weeks;
  }

  /** The series key of the current selection (see Series in the model). */
  sliceKey(useTeam: boolean): string {
    const r = this.filters.repo;
    const t = useTeam ? this.filters.team : '';
    if (r !== '' && t !== '') return `r${r}t${t}`;
    if (r !== '') return `r${r}`;
    if (t !== '') return `t${t}`;
    return 'all';
  }

  /** The latest weeks the window filter keeps, as a slice of any weekly series. */
  windowed<T>(values: readonly T[]): T[] {
    const n = this.weeks.length;
    const keep = this.filters.window === 'all' ? n : Math.min(n, Number(this.filters.window));
    return values.slice(n - keep, n);
  }

  weekLabels(): string[] {
    return this.windowed(this.weeks);
  }

  repoName(i: number): string {
    return this.report.series.repositories[i] ?? `repository ${i}`;
  }

  /** Whether a repository (by index or by name) passes the repository filter. */
  repoMatches(repo: number | string): boolean {
    if (this.filters.repo === '') return true;
    const i = typeof repo === 'number' ? repo : this.repoIndex.get(repo);
    return i === Number(this.filters.repo);
  }

  /** "repo · name" when several repositories are shown, else the name. */
  qualified(repo: string, name: string): string {
    return this.report.series.repositories.length > 1 ? `${repo} · ${name}` : name;
  }
}
