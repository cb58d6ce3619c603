// Progress for long work: a single rewritten line on an interactive terminal,
// nothing at all when stderr is not a TTY or --quiet is set.

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
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
