// The dx-audit command line. Commands are declared here and their modules are
// imported only when they run, so `dx-audit --help` stays instant. This is the
// only place that turns errors into output and exit codes.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { Context, GlobalOptions } from './context.js';
import { DxError, EXIT, InterruptedError, redact } from './errors.js';

/** Shape of every command module: `run` returns the exit code (default 0). */
export interface CommandModule<O> {
  run(context: Context, operands: string[], options: O): Promise<number | undefined>;
}

const controller = new AbortController();
let verbose = process.argv.includes('--verbose');

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Wraps a lazily imported command module as a commander action. */
function lazy<O>(load: () => Promise<CommandModule<O>>) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const operands = args
      .slice(0, -2)
      .flatMap((arg) => (Array.isArray(arg) ? arg : arg === undefined ? [] : [arg]));
    const globals = command.optsWithGlobals() as GlobalOptions & O;
    verbose = globals.verbose ?? verbose;
    const { createContext } = await import('./context.js');
    const context = createContext(globals, controller.signal);
    const module = await load();
    const code = await module.run(context, operands as string[], command.opts() as O);
    process.exitCode = code ?? EXIT.ok;
  };
}

function buildProgram(): Command {
  const program = new Command('dx-audit')
    .description(
      'Audit developer experience: builds, CI, review wait and fragile code, before anyone blames velocity.',
    )
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option('--db <file>', 'SQLite database (default .dx-audit/dx.db, or DX_AUDIT_DB)'))
    .option('--since <when>', 'start of the window: a duration (90d, 12w, 1y) or an ISO date')
    .option('--until <when>', 'end of the window (default now)')
    .option('--config <file>', 'config file (default ./dx-audit.config.json when present)')
    .option('--json', 'print results as JSON')
    .option('-q, --quiet', 'print only results and errors')
    .option('--verbose', 'on error, show the chain of causes')
    .exitOverride()
    // every subcommand's --help lists the global options too (--db, --since, --json, ...)
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      outputError: (text, write) =>
        write(`dx-audit: ${text.replace(/^error: /, '').trim()} — run \`dx-audit --help\` for usage\n`),
    });

  const collect = program.command('collect').description('collect raw facts into the database');
  collect
    .command('git')
    .description('ingest the git history of local clones (incremental)')
    .argument('[paths...]', 'repository folders (default: the current directory)')
    .option('--branch <ref>', 'branch or ref to analyse (default: the checked-out HEAD)')
    .option('--all-branches', 'ingest commits of every local and remote branch')
    .addHelpText(
      'after',
      examples([
        'dx-audit collect git ~/src/api ~/src/web',
        'dx-audit collect git --since 1y --all-branches',
      ]),
    )
    .action(lazy(() => import('./commands/collect-git.js')));
  collect
    .command('github')
    .description('ingest pull requests, reviews and Actions runs/jobs from GitHub (incremental)')
    .argument('[repos...]', 'repositories as OWNER/REPO')
    .option('--org <org>', 'collect every repository of an organisation (or user)')
    .option('--github-url <url>', 'API base URL (GitHub Enterprise Server: https://HOST/api/v3)')
    .option('--include-archived', 'with --org, also collect archived repositories')
    .option('--include-forks', 'with --org, also collect forks')
    .addOption(
      new Option(
        '--ci-jobs <via>',
        'read CI jobs in bulk through GraphQL check suites (graphql), or one REST request per run (rest: also job runners and labels)',
      )
        .choices(['rest', 'graphql'])
        .default('graphql'),
    )
    .addHelpText(
      'after',
      examples([
        'GITHUB_TOKEN=… dx-audit collect github acme/api acme/web',
        'dx-audit collect github --org acme --since 90d',
      ]),
    )
    .action(lazy(() => import('./commands/collect-github.js')));

  program
    .command('rebuild')
    .description('re-extract the GitHub tables from the stored API responses (no request to GitHub)')
    .action(lazy(() => import('./commands/rebuild.js')));

  program
    .command('report')
    .description('the weekly DX report (md, html) or the report for the window (json contract, text)')
    .addOption(
      new Option('--format <format>', 'output format (default: from --out, else json when piped)').choices([
        'json',
        'text',
        'md',
        'html',
      ]),
    )
    .option('--week <week>', 'ISO week YYYY-Www (default: the last complete week, UTC)')
    .option('--detail', 'list every file (and every item) instead of the top ones')
    .option('--out <file>', 'write to FILE instead of stdout')
    .option('--top <n>', 'how many files to list without --detail', '50')
    .option('--anonymize', 'replace people with stable pseudonyms')
    .addHelpText(
      'after',
      examples([
        'dx-audit report --format text --since 12w',
        'dx-audit report --format md --week 2025-W09 --out weekly.md',
      ]),
    )
    .action(lazy(() => import('./commands/report.js')));

  program
    .command('dashboard')
    .description('write the static dashboard (one self-contained HTML file)')
    .option('--out <file>', 'output file (default .dx-audit/dashboard.html)')
    .option('--anonymize', 'replace people with stable pseudonyms')
    .addHelpText(
      'after',
      examples(['dx-audit dashboard', 'dx-audit dashboard --since 26w --anonymize --out team.html']),
    )
    .action(lazy(() => import('./commands/dashboard.js')));

  program
    .command('audit')
    .description('the main job: collect, then write the dashboard and the weekly report into .dx-audit/')
    .argument('[paths...]', 'repository folders (default: the configured ones, else the current directory)')
    .option('--no-build', 'do not time the local build')
    .option(
      '--build-budget <minutes>',
      'time the build for at most this long in all (a warm-up, then runs that fit)',
      '10',
    )
    .option('--no-github', 'do not read GitHub even when a token is available')
    .option('--anonymize', 'replace people with stable pseudonyms in the outputs')
    .addHelpText(
      'after',
      examples(['dx-audit audit', 'dx-audit audit ~/src/api ~/src/web --no-github --build-budget 5']),
    )
    .action(lazy(() => import('./commands/audit.js')));

  program
    .command('plan')
    .description('split repositories into shards of equal collection cost, as a GitHub Actions matrix (JSON)')
    .argument('[repos...]', 'repositories as OWNER/REPO')
    .option('--org <org>', 'plan every repository of an organisation (or user)')
    .option('--shards <n>', 'number of shards (at most 256)', '4')
    .option('--previous <file>', "the previous run's database: commits and pull requests per repository")
    .option('--github-url <url>', 'API base URL (GitHub Enterprise Server: https://HOST/api/v3)')
    .option('--include-archived', 'with --org, also plan archived repositories')
    .option('--include-forks', 'with --org, also plan forks')
    .action(lazy(() => import('./commands/plan.js')));

  program
    .command('merge')
    .description('merge shard databases (collected on separate machines) into the --db database')
    .argument('<shards...>', 'shard databases written by collect')
    .option(
      '--only <repos>',
      'take only these GitHub repositories (OWNER/REPO, separated by spaces or commas)',
    )
    .action(lazy(() => import('./commands/merge.js')));

  program
    .command('action')
    .description(
      'the GitHub Action of action.yml: inputs from INPUT_*, outputs to the job summary and GITHUB_OUTPUT',
    )
    .action(lazy(() => import('./commands/action.js')));

  program
    .command('init')
    .description('write dx-audit.config.json with what is detected, commented')
    .argument('[paths...]', 'repository folders (default: the current directory, else the clones inside it)')
    .option('--force', 'overwrite an existing config file')
    .addHelpText('after', examples(['dx-audit init', 'dx-audit init ~/src/api ~/src/web --force']))
    .action(lazy(() => import('./commands/init.js')));

  program
    .command('build')
    .description('benchmark the local build (or tests): runs, statistics, stored')
    .argument('[path]', 'repository folder (default: the current directory)')
    .argument('[command...]', 'after --: the command to time instead of the detected one')
    .option('--runs <n>', 'timed runs', '5')
    .option('--warmup <n>', 'untimed runs before the timed ones', '1')
    .option('--cold', 'run a clean step before each run (detected, or --clean)')
    .option('--clean <cmd>', 'the clean step for --cold, run by sh')
    .addOption(new Option('--kind <kind>', 'what to time').choices(['build', 'test']).default('build'))
    .option('--timeout <seconds>', 'kill a run (and every process it started) after this long', '3600')
    .option('--show-output', "show the command's output instead of keeping it for errors")
    .option('--budget <minutes>', 'start no run that would not end within this many minutes in all')
    .hook('preAction', commandAfterDash)
    .addHelpText(
      'after',
      examples(['dx-audit build', 'dx-audit build ~/src/api --runs 3 --cold -- make -j8']),
    )
    .action(lazy(() => import('./commands/build.js')));

  program
    .command('wrap')
    .description('run a command as usual (same output, same exit code) and record how long it took')
    .argument('[command...]', 'after --: the command to run')
    .addOption(new Option('--kind <kind>', 'what the command is').choices(['build', 'test']).default('build'))
    .hook('preAction', commandAfterDash)
    .addHelpText(
      'after',
      examples(['dx-audit wrap -- npm run build', 'dx-audit wrap --kind test -- go test ./...']),
    )
    .action(lazy(() => import('./commands/wrap.js')));

  return program;
}

/** The "Examples:" block shown after a command's options. */
function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}`;
}

/**
 * The words after a literal `--` are a command to run, never options or paths:
 * commander leaves them unparsed, and this hands them to the command as `command`.
 */
function commandAfterDash(_program: Command, command: Command): void {
  let root = command;
  while (root.parent) root = root.parent;
  // rawArgs: the argv given to parseAsync (public at runtime, missing from the typings)
  const raw = (root as unknown as { rawArgs: string[] }).rawArgs;
  const at = raw.indexOf('--');
  command.setOptionValue('command', at === -1 ? undefined : raw.slice(at + 1));
}

function describe(error: unknown): { line: string; code: number } {
  if (error instanceof DxError) return { line: error.line, code: error.exitCode };
  if (error instanceof CommanderError) return { line: error.message, code: EXIT.usage };
  const message = error instanceof Error ? error.message : String(error);
  return { line: `internal error: ${message} — run again with --verbose and report it`, code: EXIT.failure };
}

function causeChain(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    lines.push(`  ${current.name}: ${current.message}`);
    if (current.stack && !(current instanceof DxError)) lines.push(...current.stack.split('\n').slice(1, 6));
    current = current.cause;
  }
  return lines;
}

async function main(): Promise<void> {
  let interrupts = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      interrupts += 1;
      if (interrupts > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
      controller.abort(new InterruptedError(signal));
    });
  }
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message (help, version, or a usage error)
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    const effective = controller.signal.aborted ? (controller.signal.reason as unknown) : error;
    const { line, code } = describe(effective);
    process.stderr.write(`dx-audit: ${redact(line)}\n`);
    if (verbose) process.stderr.write(`${redact(causeChain(error).join('\n'))}\n`);
    process.exitCode = code;
  }
}

await main();
