// Small DOM and number helpers of the page. Data reaches the DOM only through
// textContent, attribute values and option values, never as HTML.

/** Creates an element with attributes and text content. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string> | null,
  text?: string | number | null,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export const round = (v: number | null | undefined, digits: number): number | null =>
  v === null || v === undefined ? null : Number(v.toFixed(digits));
export const toHours = (s: number | null | undefined) =>
  s === null || s === undefined ? null : round(s / 3600, 2);
export const toMinutes = (s: number | null | undefined) =>
  s === null || s === undefined ? null : round(s / 60, 2);
/** A 0..1 share as a percentage for a % axis. */
export const toPercent = (r: number | null | undefined) =>
  r === null || r === undefined ? null : round(r * 100, 1);

/** A table cell's text. */
export const cell = (v: string | number | null | undefined): string =>
  v === null || v === undefined ? '–' : typeof v === 'number' ? v.toLocaleString('en') : v;

/** Keeps the end of a long label (file names end in what matters). */
export const shorten = (text: string, max: number) =>
  text.length > max ? `…${text.slice(text.length - max + 1)}` : text;

export const hasValues = (values: readonly (number | null)[]) => values.some((v) => v !== null);

export const PALETTE = [
  '#0969da',
  '#cf222e',
  '#1a7f37',
  '#8250df',
  '#bc4c00',
  '#0a7f88',
  '#bf3989',
  '#6e7781',
];
export const STAGE_COLORS = { coding: '#0969da', pickup: '#bc4c00', review: '#8250df' };
