// Every subcommand's --help lists the global options and two examples of itself.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const COMMANDS = [
  ['collect', 'git'],
  ['collect', 'github'],
  ['report'],
  ['dashboard'],
  ['audit'],
  ['init'],
  ['build'],
  ['wrap'],
];

describe('subcommand help', () => {
  it.each(COMMANDS.map((c) => [c.join(' '), c]))(
    '%s --help shows the global options and two examples',
    async (_name, words) => {
      const result = await runCli([...(words as string[]), '--help']);
      expect(result.exitCode).toBe(0);
      const text = result.stdout;
      const global = text.slice(text.indexOf('Global Options:'));
      expect(text.indexOf('Global Options:')).toBeGreaterThan(0);
      for (const flag of [
        '--db <file>',
        '--since <when>',
        '--until <when>',
        '--config <file>',
        '--json',
        '--quiet',
        '--verbose',
      ])
        expect(global).toContain(flag);
      const examples = text
        .slice(text.indexOf('Examples:'))
        .split('\n')
        .filter((line) => line.startsWith('  $ '));
      expect(examples).toHaveLength(2);
      for (const line of examples)
        expect(
          line.startsWith(`  $ ${`dx-audit ${(words as string[]).join(' ')}`}`) ||
            line.includes(` dx-audit ${(words as string[]).join(' ')}`),
        ).toBe(true);
    },
  );
});
