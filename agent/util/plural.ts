// Counts in command output read as English: "1 pull request", "2 pull requests".

/** `n` and the noun, plural unless n is 1 (`plural` for irregular nouns). */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}
