// Commands are run as argument lists (no shell), and shown the way a user
// would type them into a POSIX shell.

/** `npm run build`, with arguments quoted only where a shell needs it. */
export function displayCommand(argv: readonly string[]): string {
  if (argv.length === 3 && argv[0] === 'sh' && argv[1] === '-c') return argv[2]!;
  return argv.map(quote).join(' ');
}

/** A command line given as one string (config, --clean) runs through `sh -c`. */
export function shellCommand(line: string): string[] {
  return ['sh', '-c', line];
}

function quote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
