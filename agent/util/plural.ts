// Counts in command output read as English: "1 pull request", "2 pull requests".
import { englishNumber } from './format.js';

/** `n` and the noun, plural unless n is 1 (`plural` for irregular nouns). */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${englishNumber(n)} ${n === 1 ? singular : plural}`;
}
