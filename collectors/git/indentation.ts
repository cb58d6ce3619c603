// The indentation profile of a file's bytes: a language-agnostic complexity
// proxy (deeply nested code is indented further). Fed chunk by chunk, so a
// blob is never held whole in memory.

/** Columns one tab counts for. */
export const TAB_COLUMNS = 4;
/** Columns of one logical indentation level. */
export const INDENT_UNIT = 4;
/** Like git: a NUL byte in the first 8,000 bytes means binary. */
const BINARY_PROBE = 8000;

export interface IndentationProfile {
  binary: boolean;
  /** Non-blank lines. */
  codeLines: number;
  /** Sum over non-blank lines of their leading whitespace, in columns. */
  indentTotal: number;
  /** Deepest leading whitespace of a non-blank line, in columns. */
  indentMax: number;
}

/** Accumulates the profile of one blob across chunks. */
export class IndentationCounter {
  private offset = 0;
  private binary = false;
  private codeLines = 0;
  private indentTotal = 0;
  private indentMax = 0;
  /** Leading whitespace columns of the current line so far. */
  private columns = 0;
  /** Still inside the current line's leading whitespace. */
  private leading = true;
  /** The current line has a non-whitespace byte. */
  private content = false;

  push(chunk: Uint8Array, start = 0, end = chunk.length): void {
    if (this.offset < BINARY_PROBE) {
      const probeEnd = Math.min(end, start + (BINARY_PROBE - this.offset));
      const nul = chunk.indexOf(0, start);
      if (nul !== -1 && nul < probeEnd) this.binary = true;
    }
    this.offset += end - start;
    if (this.binary) return;
    let columns = this.columns;
    let leading = this.leading;
    let content = this.content;
    for (let i = start; i < end; i++) {
      const byte = chunk[i]!;
      if (byte === 10) {
        if (content) this.endLine(columns);
        columns = 0;
        leading = true;
        content = false;
      } else if (leading) {
        if (byte === 32) columns += 1;
        else if (byte === 9) columns += TAB_COLUMNS;
        else if (byte !== 13 && byte !== 11 && byte !== 12) {
          leading = false;
          content = true;
        }
      }
    }
    this.columns = columns;
    this.leading = leading;
    this.content = content;
  }

  finish(): IndentationProfile {
    if (this.binary) return { binary: true, codeLines: 0, indentTotal: 0, indentMax: 0 };
    if (this.content) this.endLine(this.columns);
    this.content = false;
    return {
      binary: false,
      codeLines: this.codeLines,
      indentTotal: this.indentTotal,
      indentMax: this.indentMax,
    };
  }

  private endLine(columns: number): void {
    this.codeLines += 1;
    this.indentTotal += columns;
    if (columns > this.indentMax) this.indentMax = columns;
  }
}

/** The profile of a whole buffer (tests and small inputs). */
export function indentationOf(bytes: Uint8Array | string): IndentationProfile {
  const counter = new IndentationCounter();
  counter.push(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
  return counter.finish();
}
