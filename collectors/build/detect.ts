// Finds the command that builds (or tests) a repository from the files in its
// root, and says why. The order is the one a newcomer would follow: the
// package manager's scripts, then the Makefile, then the language's own tool.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildKind } from './record.js';

/** A build system found in a repository, with the command for the asked kind. */
export interface DetectedCommand {
  /** npm, pnpm, yarn, bun, make, gradle, maven, cargo, go, dotnet, python */
  system: string;
  argv: string[];
  /** Why this command: the file and the fact that led to it. */
  reason: string;
  /** The executable whose version is worth recording. */
  tool: string;
  /** How to clean this system's outputs for a cold build. */
  clean: CleanPlan | null;
}

/** A safe clean step: the ecosystem's own clean command, or removing its known output folders. */
export type CleanPlan =
  | { kind: 'command'; argv: string[]; reason: string }
  | { kind: 'remove'; folders: string[]; reason: string };

export interface Detection {
  /** The first match; null when nothing fits. */
  chosen: DetectedCommand | null;
  /** Other build systems present, so the user can pick one with `-- CMD`. */
  others: DetectedCommand[];
  /** Why some candidates were passed over (e.g. a package.json without a build script). */
  notes: string[];
}

type Detector = (root: string, kind: BuildKind, notes: string[]) => DetectedCommand | null;

/** Build systems found in `root`, the first one chosen. */
export function detectCommand(root: string, kind: BuildKind): Detection {
  const notes: string[] = [];
  const found: DetectedCommand[] = [];
  for (const detector of DETECTORS) {
    const match = detector(root, kind, notes);
    if (match) found.push(match);
  }
  return { chosen: found[0] ?? null, others: found.slice(1), notes };
}

const NODE_OUTPUTS = ['dist', 'build', 'out', '.next', '.nuxt', '.svelte-kit', '.turbo', '.parcel-cache'];
const PYTHON_OUTPUTS = ['build', 'dist', '.pytest_cache'];

const node: Detector = (root, kind, notes) => {
  const file = join(root, 'package.json');
  if (!existsSync(file)) return null;
  let pkg: { scripts?: Record<string, unknown>; packageManager?: unknown };
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8')) as typeof pkg;
  } catch {
    notes.push('package.json is not valid JSON, so its scripts were not read');
    return null;
  }
  const scripts = pkg.scripts && typeof pkg.scripts === 'object' ? pkg.scripts : {};
  const { manager, why } = packageManager(root, pkg.packageManager);
  if (typeof scripts[kind] !== 'string') {
    notes.push(`package.json has no "${kind}" script`);
    return null;
  }
  const clean: CleanPlan =
    typeof scripts['clean'] === 'string'
      ? { kind: 'command', argv: [manager, 'run', 'clean'], reason: 'the "clean" script of package.json' }
      : {
          kind: 'remove',
          folders: NODE_OUTPUTS,
          reason: `removing git-ignored output folders (${NODE_OUTPUTS.join(', ')})`,
        };
  return {
    system: manager,
    argv: [manager, 'run', kind],
    reason: `package.json has a "${kind}" script; ${why}`,
    tool: manager,
    clean,
  };
};

function packageManager(root: string, field: unknown): { manager: string; why: string } {
  if (typeof field === 'string') {
    const name = field.split('@')[0] ?? '';
    if (['npm', 'pnpm', 'yarn', 'bun'].includes(name)) {
      return { manager: name, why: `"packageManager" names ${name}` };
    }
  }
  const locks: [string, string][] = [
    ['pnpm-lock.yaml', 'pnpm'],
    ['yarn.lock', 'yarn'],
    ['bun.lockb', 'bun'],
    ['bun.lock', 'bun'],
    ['package-lock.json', 'npm'],
    ['npm-shrinkwrap.json', 'npm'],
  ];
  for (const [lock, manager] of locks) {
    if (existsSync(join(root, lock))) return { manager, why: `${lock} → ${manager}` };
  }
  return { manager: 'npm', why: 'no lock file → npm' };
}

const make: Detector = (root, kind, notes) => {
  const file = ['GNUmakefile', 'makefile', 'Makefile'].find((name) => existsSync(join(root, name)));
  if (!file) return null;
  const text = readText(join(root, file));
  const has = (target: string) => new RegExp(`^${target}\\s*:(?!=)`, 'm').test(text);
  const clean: CleanPlan | null = has('clean')
    ? { kind: 'command', argv: ['make', 'clean'], reason: `the "clean" target of ${file}` }
    : null;
  if (kind === 'build') {
    return { system: 'make', argv: ['make'], reason: `${file} (its default target)`, tool: 'make', clean };
  }
  const target = ['test', 'check'].find(has);
  if (!target) {
    notes.push(`${file} has no "test" or "check" target`);
    return null;
  }
  return {
    system: 'make',
    argv: ['make', target],
    reason: `${file} has a "${target}" target`,
    tool: 'make',
    clean,
  };
};

const gradle: Detector = (root, kind) => {
  const wrapper = existsSync(join(root, 'gradlew'));
  const script = ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'].find((name) =>
    existsSync(join(root, name)),
  );
  if (!wrapper && !script) return null;
  const exe = wrapper ? './gradlew' : 'gradle';
  const task = kind === 'build' ? 'assemble' : 'test';
  return {
    system: 'gradle',
    argv: [exe, task],
    reason: wrapper
      ? `gradlew (the project's Gradle wrapper), task "${task}"`
      : `${script} (no gradlew, so the installed gradle), task "${task}"`,
    tool: wrapper ? 'gradlew' : 'gradle',
    clean: { kind: 'command', argv: [exe, 'clean'], reason: `${exe} clean` },
  };
};

const maven: Detector = (root, kind) => {
  if (!existsSync(join(root, 'pom.xml'))) return null;
  const wrapper = existsSync(join(root, 'mvnw'));
  const exe = wrapper ? './mvnw' : 'mvn';
  const goals = kind === 'build' ? ['package', '-DskipTests'] : ['test'];
  return {
    system: 'maven',
    argv: [exe, ...goals],
    reason: `pom.xml${wrapper ? ' with mvnw (the Maven wrapper)' : ''}, ${goals.join(' ')}`,
    tool: wrapper ? 'mvnw' : 'mvn',
    clean: { kind: 'command', argv: [exe, 'clean'], reason: `${exe} clean` },
  };
};

const cargo: Detector = (root, kind) => {
  if (!existsSync(join(root, 'Cargo.toml'))) return null;
  return {
    system: 'cargo',
    argv: ['cargo', kind],
    reason: `Cargo.toml → cargo ${kind}`,
    tool: 'cargo',
    clean: { kind: 'command', argv: ['cargo', 'clean'], reason: 'cargo clean' },
  };
};

const go: Detector = (root, kind) => {
  if (!existsSync(join(root, 'go.mod'))) return null;
  return {
    system: 'go',
    argv: ['go', kind, './...'],
    reason: `go.mod → go ${kind} ./...`,
    tool: 'go',
    clean: {
      kind: 'command',
      argv: ['go', 'clean', '-cache'],
      reason: "go clean -cache (Go keeps compiled packages only in the user's build cache)",
    },
  };
};

const dotnet: Detector = (root, kind) => {
  const entries = safeList(root);
  const solutions = entries.filter((name) => name.endsWith('.sln') || name.endsWith('.slnx'));
  const projects = entries.filter((name) => /\.(cs|fs|vb)proj$/.test(name));
  const targets = solutions.length > 0 ? solutions : projects;
  if (targets.length === 0) return null;
  // With one solution or project, name it; with several, dotnet needs it named.
  const target = targets.length === 1 ? [targets[0]!] : [];
  return {
    system: 'dotnet',
    argv: ['dotnet', kind, ...target],
    reason: `${targets.join(', ')} → dotnet ${kind}`,
    tool: 'dotnet',
    clean: { kind: 'command', argv: ['dotnet', 'clean', ...target], reason: 'dotnet clean' },
  };
};

const python: Detector = (root, kind, notes) => {
  const pyproject = existsSync(join(root, 'pyproject.toml')) ? readText(join(root, 'pyproject.toml')) : null;
  const setupPy = existsSync(join(root, 'setup.py'));
  if (pyproject === null && !setupPy && !existsSync(join(root, 'setup.cfg'))) return null;
  const clean: CleanPlan = {
    kind: 'remove',
    folders: PYTHON_OUTPUTS,
    reason: `removing git-ignored output folders (${PYTHON_OUTPUTS.join(', ')})`,
  };
  if (kind === 'test') {
    const pytest =
      (pyproject !== null && /\[tool\.pytest|pytest/.test(pyproject)) ||
      existsSync(join(root, 'pytest.ini')) ||
      existsSync(join(root, 'conftest.py'));
    return {
      system: 'python',
      argv: pytest ? ['python3', '-m', 'pytest'] : ['python3', '-m', 'unittest'],
      reason: pytest ? 'pytest is configured' : 'a Python project without pytest configuration → unittest',
      tool: 'python3',
      clean,
    };
  }
  if (pyproject !== null && /^\[build-system\]/m.test(pyproject)) {
    return {
      system: 'python',
      argv: ['python3', '-m', 'build'],
      reason: 'pyproject.toml declares a [build-system] → python3 -m build',
      tool: 'python3',
      clean,
    };
  }
  if (setupPy) {
    return {
      system: 'python',
      argv: ['python3', 'setup.py', 'build'],
      reason: 'setup.py → python3 setup.py build',
      tool: 'python3',
      clean,
    };
  }
  notes.push('pyproject.toml declares no [build-system]');
  return null;
};

const DETECTORS: Detector[] = [node, make, gradle, maven, cargo, go, dotnet, python];

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
