// The README leads with one screen (what dx-audit is, the two commands, a
// picture) and stays short; the reference lives in docs/. Every relative link
// in README.md and docs/*.md reaches a file, and a heading when it names one.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = join(ROOT, 'README.md');
/** What a reader sees before scrolling. */
const FIRST_SCREEN = 40;
/**
 * The README was 130 lines when the reference moved to docs/ (from 823). 150
 * leaves room for a sentence or a table row, not for a reference section to
 * creep back: that goes into docs/ with a line in the README's "More" table.
 */
const LINE_BUDGET = 150;

/** Lines outside fenced code blocks (``` or ~~~), with their 1-based numbers; indented code too. */
function proseLines(text: string): { line: string; number: number }[] {
  const out: { line: string; number: number }[] = [];
  let fence: string | null = null;
  text.split('\n').forEach((line, i) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === null || marker.startsWith(fence))) {
      fence = fence === null ? marker : null;
      return;
    }
    if (fence !== null || /^( {4}|\t)/.test(line)) return;
    out.push({ line, number: i + 1 });
  });
  return out;
}

/** The contents of fenced code blocks, one string per block. */
function codeBlocks(text: string): string[] {
  const blocks: string[] = [];
  const re = /^\s{0,3}(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^\s{0,3}\1\s*$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) blocks.push(m[2]!);
  return blocks;
}

/** GitHub's heading anchor: the text without markup, lower-cased, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images keep their text
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|\W)[*_](.+?)[*_](?=\W|$)/g, '$1$2')
    .replace(/<[^>]+>/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor of a Markdown file's headings (repeated headings get -1, -2, … as on GitHub). */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { line } of proseLines(readFileSync(file, 'utf8'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

/** Inline links and images, and reference definitions, outside code. */
function links(file: string): Link[] {
  const out: Link[] = [];
  for (const { line, number } of proseLines(readFileSync(file, 'utf8'))) {
    const text = line.replace(/`[^`]*`/g, '');
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      out.push({ file, line: number, target: m[1]! });
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)/.exec(text);
    if (definition) out.push({ file, line: number, target: definition[1]! });
  }
  return out;
}

/** Why a relative link is broken, or null when it reaches its file (and heading). */
function brokenReason(link: Link): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) return null; // https:, mailto:, …
  const [path = '', anchor] = link.target.split('#', 2);
  const target = path === '' ? link.file : resolve(dirname(link.file), decodeURIComponent(path));
  if (!existsSync(target)) return `${relative(ROOT, target)} does not exist`;
  if (anchor === undefined) return null;
  if (!target.endsWith('.md') || statSync(target).isDirectory()) return null;
  return anchors(target).has(anchor.toLowerCase())
    ? null
    : `${relative(ROOT, target)} has no heading #${anchor}`;
}

const readme = readFileSync(README, 'utf8');
const firstScreen = readme.split('\n').slice(0, FIRST_SCREEN).join('\n');
let subcommands: string[];

beforeAll(async () => {
  const help = await runCli(['--help']);
  expect(help.exitCode).toBe(0);
  const section = help.stdout.split(/^Commands:$/m)[1] ?? '';
  subcommands = [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!);
});

describe("the README's first screen", () => {
  it('says in one sentence what dx-audit is', () => {
    // the first paragraph after the title holds a sentence "dx-audit is …" of at most 30 words
    const paragraph = firstScreen.split(/\n\s*\n/).find((p) => p.trim() !== '' && !p.startsWith('#')) ?? '';
    const sentences = paragraph
      .replace(/\*\*|__/g, '')
      .replace(/\s+/g, ' ')
      .split(/(?<=[.!?])\s+/);
    const definition = sentences.find((s) => /^dx-audit is\b/i.test(s));
    expect(definition, `no "dx-audit is …" sentence in: ${paragraph}`).toBeDefined();
    expect(definition!.split(' ').length).toBeLessThanOrEqual(30);
  });

  it('shows the two commands in a code block: the audit and the tests', () => {
    const lines = codeBlocks(firstScreen).flatMap((b) => b.split('\n').map((l) => l.trim()));
    expect(lines.some((l) => /^npx dx-audit audit\b/.test(l))).toBe(true);
    expect(lines.some((l) => /^npm test\b/.test(l))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      name: string;
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(Object.keys(pkg.bin)).toContain('dx-audit');
    expect(pkg.scripts['test']).toBeTruthy();
  });

  it('names only real subcommands of `dx-audit --help`', () => {
    expect(subcommands).toEqual(expect.arrayContaining(['audit', 'collect', 'report', 'dashboard']));
    // commands are code: fenced blocks and `inline` spans
    const prose = proseLines(firstScreen)
      .map((l) => l.line)
      .join('\n');
    const code = [...codeBlocks(firstScreen), ...[...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)];
    const named = code.flatMap((c) => [...c.matchAll(/\bdx-audit\s+([a-z][\w-]*)/g)].map((m) => m[1]!));
    // the audit in the commands block and `dx-audit rebuild` in "How it works"
    expect(named).toEqual(expect.arrayContaining(['audit', 'rebuild']));
    expect(named.length).toBeGreaterThan(0);
    for (const command of named) expect(subcommands, `dx-audit ${command}`).toContain(command);
  });

  it('shows a picture whose file is in the repository', () => {
    const image = /!\[([^\]]+)\]\(([^)\s]+)\)/.exec(firstScreen);
    expect(image, 'no image in the first screen').not.toBeNull();
    expect(image![1]!.trim().length).toBeGreaterThan(10); // alt text that describes it
    const file = join(ROOT, image![2]!);
    expect(existsSync(file), image![2]).toBe(true);
    const bytes = readFileSync(file);
    // a real PNG, not an empty placeholder
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.length).toBeGreaterThan(10_000);
  });

  it(`keeps the README within ${LINE_BUDGET} lines, the reference in docs/`, () => {
    const lines = readme.trimEnd().split('\n').length;
    expect(lines).toBeLessThanOrEqual(LINE_BUDGET);
    // and it points to every page of the reference
    const pages = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
    for (const page of pages) expect(readme, page).toContain(`(docs/${page})`);
  });
});

describe('links in README.md and docs/', () => {
  const files = [
    README,
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => join(ROOT, 'docs', f)),
  ];
  const all = files.flatMap(links);

  it('finds the links (the parser reads them)', () => {
    // README's "More" table alone links every docs page
    expect(all.filter((l) => l.file === README).length).toBeGreaterThanOrEqual(9);
    expect(all.some((l) => l.target.includes('#'))).toBe(true);
  });

  it('every relative link reaches an existing file and heading', () => {
    const broken = all.flatMap((l) => {
      const reason = brokenReason(l);
      return reason ? [`${relative(ROOT, l.file)}:${l.line}: (${l.target}) ${reason}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('the checker tells a broken file and a broken heading from good ones', () => {
    const metrics = join(ROOT, 'docs', 'metrics.md');
    const at = (target: string) => brokenReason({ file: metrics, line: 1, target });
    expect(at('cli.md')).toBeNull();
    expect(at('metrics.md#the-window')).toBeNull();
    expect(at('dashboard.md#--anonymize')).toBeNull();
    expect(at('#what-is-left-out')).toBeNull();
    expect(at('../README.md#the-diagnosis')).toBeNull();
    expect(at('https://example.com/x.md')).toBeNull();
    expect(at('docs/ship.md')).toBe('docs/docs/ship.md does not exist');
    expect(at('metrics.md#no-such-heading')).toBe('docs/metrics.md has no heading #no-such-heading');
  });
});
