import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectCommand } from '../../collectors/build/detect.js';
import { tempDir } from '../support/git-repo.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A temp folder holding the given files. */
function project(files: Record<string, string>): string {
  const dir = tempDir('dx-audit-detect-');
  folders.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const pkg = (scripts: Record<string, string>) => JSON.stringify({ name: 'x', scripts });

describe('build system detection', () => {
  it('uses the package manager of the lock file for package.json scripts', () => {
    const npm = detectCommand(
      project({ 'package.json': pkg({ build: 'tsc' }), 'package-lock.json': '{}' }),
      'build',
    );
    expect(npm.chosen?.argv).toEqual(['npm', 'run', 'build']);
    expect(npm.chosen?.reason).toBe('package.json has a "build" script; package-lock.json → npm');
    const pnpm = detectCommand(
      project({ 'package.json': pkg({ test: 'vitest' }), 'pnpm-lock.yaml': '' }),
      'test',
    );
    expect(pnpm.chosen?.argv).toEqual(['pnpm', 'run', 'test']);
    const yarn = detectCommand(project({ 'package.json': pkg({ build: 'x' }), 'yarn.lock': '' }), 'build');
    expect(yarn.chosen?.argv).toEqual(['yarn', 'run', 'build']);
    const field = detectCommand(
      project({ 'package.json': JSON.stringify({ packageManager: 'pnpm@9.1.0', scripts: { build: 'x' } }) }),
      'build',
    );
    expect(field.chosen?.reason).toBe('package.json has a "build" script; "packageManager" names pnpm');
  });

  it('prefers package.json scripts, lists the other systems, and explains skipped ones', () => {
    const both = detectCommand(
      project({ 'package.json': pkg({ build: 'x', clean: 'rimraf dist' }), Makefile: 'all:\n\ttrue\n' }),
      'build',
    );
    expect(both.chosen?.system).toBe('npm');
    expect(both.chosen?.clean).toEqual({
      kind: 'command',
      argv: ['npm', 'run', 'clean'],
      reason: 'the "clean" script of package.json',
    });
    expect(both.others.map((o) => o.argv)).toEqual([['make']]);

    const noScript = detectCommand(
      project({ 'package.json': pkg({ lint: 'x' }), Makefile: 'all:\n' }),
      'build',
    );
    expect(noScript.chosen?.argv).toEqual(['make']);
    expect(noScript.notes).toEqual(['package.json has no "build" script']);
  });

  it('reads Makefile targets for tests and clean', () => {
    const dir = project({ Makefile: 'all:\n\tcc x.c\ncheck: all\n\t./x\nclean:\n\trm -f x\n' });
    expect(detectCommand(dir, 'build').chosen).toMatchObject({
      argv: ['make'],
      reason: 'Makefile (its default target)',
      clean: { kind: 'command', argv: ['make', 'clean'] },
    });
    expect(detectCommand(dir, 'test').chosen?.argv).toEqual(['make', 'check']);
    const none = detectCommand(project({ Makefile: 'all:\n' }), 'test');
    expect(none.chosen).toBeNull();
    expect(none.notes).toEqual(['Makefile has no "test" or "check" target']);
  });

  it('uses the Gradle and Maven wrappers before the installed tools', () => {
    expect(
      detectCommand(project({ gradlew: '#!/bin/sh\n', 'build.gradle': '' }), 'build').chosen,
    ).toMatchObject({
      argv: ['./gradlew', 'assemble'],
      clean: { kind: 'command', argv: ['./gradlew', 'clean'] },
    });
    expect(detectCommand(project({ 'build.gradle.kts': '' }), 'test').chosen?.argv).toEqual([
      'gradle',
      'test',
    ]);
    expect(detectCommand(project({ 'pom.xml': '<project/>', mvnw: '' }), 'build').chosen?.argv).toEqual([
      './mvnw',
      'package',
      '-DskipTests',
    ]);
    expect(detectCommand(project({ 'pom.xml': '<project/>' }), 'test').chosen?.argv).toEqual(['mvn', 'test']);
  });

  it('knows Cargo, Go, .NET and Python', () => {
    expect(detectCommand(project({ 'Cargo.toml': '[package]\n' }), 'build').chosen).toMatchObject({
      argv: ['cargo', 'build'],
      clean: { kind: 'command', argv: ['cargo', 'clean'] },
    });
    expect(detectCommand(project({ 'go.mod': 'module x\n' }), 'test').chosen?.argv).toEqual([
      'go',
      'test',
      './...',
    ]);
    expect(detectCommand(project({ 'App.csproj': '<Project/>' }), 'build').chosen?.argv).toEqual([
      'dotnet',
      'build',
      'App.csproj',
    ]);
    expect(
      detectCommand(project({ 'a/A.csproj': '', 'App.sln': '', 'Lib.csproj': '' }), 'test').chosen?.argv,
    ).toEqual(['dotnet', 'test', 'App.sln']);
    const py = project({
      'pyproject.toml': '[build-system]\nrequires = ["hatchling"]\n\n[tool.pytest.ini_options]\n',
    });
    expect(detectCommand(py, 'build').chosen?.argv).toEqual(['python3', '-m', 'build']);
    expect(detectCommand(py, 'test').chosen?.argv).toEqual(['python3', '-m', 'pytest']);
    expect(detectCommand(py, 'build').chosen?.clean).toMatchObject({
      kind: 'remove',
      folders: ['build', 'dist', '.pytest_cache'],
    });
  });

  it('finds nothing in a folder without a build system', () => {
    const result = detectCommand(project({ 'README.md': '# hi\n' }), 'build');
    expect(result).toEqual({ chosen: null, others: [], notes: [] });
  });
});
