// Progress for long work: a single rewritten line on an interactive terminal,
// nothing at all when stderr is not a TTY or --quiet is set.
import { englishNumber } from './util/format.js';

/** What long-running work reports to; a no-op outside a terminal. */
export interface Progress {
  update(text: string): void;
  done(): void;
}

/** A progress line on `stream`, throttled to ten updates a second. */
export function createProgress(options: { enabled: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = options.stream ?? process.stderr;
  if (!options.enabled) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  return {
    update(text: string) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      stream.write(`\r\x1b[K${fitLine(text, stream.columns)}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

/**
 * Cuts `text` to the terminal's width. A terminal that reports no width (or 0
 * columns, as some CI terminals and emulators do) gets the whole line.
 */
export function fitLine(text: string, columns: number | undefined): string {
  if (!columns || columns <= 0) return text;
  const width = Math.max(20, columns - 1);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** "0:42", "1:02:05": an elapsed or remaining time in seconds, as a clock reads. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/**
 * "12,000 of 81,966 commits (15%), 0:42 elapsed, about 3:50 left": how far
 * long work is, with the remaining time extrapolated from the rate so far.
 * Without a total (not known yet) it shows the count and the elapsed time.
 */
export function progressLine(
  done: number,
  total: number | null,
  noun: { one: string; many: string },
  elapsedMs: number,
): string {
  const nounFor = (n: number) => (n === 1 ? noun.one : noun.many);
  const elapsed = `${clock(elapsedMs / 1000)} elapsed`;
  if (total === null || total <= 0) return `${englishNumber(done)} ${nounFor(done)}, ${elapsed}`;
  const share = Math.min(1, done / total);
  const left = done > 0 ? `, about ${clock(((elapsedMs / 1000) * (total - done)) / done)} left` : '';
  return `${englishNumber(done)} of ${englishNumber(total)} ${nounFor(total)} (${Math.floor(share * 100)}%), ${elapsed}${left}`;
}
