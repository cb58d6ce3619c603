// Describes the machine a build ran on, so timings from a laptop and from a
// workstation are never averaged together.
import { execFile } from 'node:child_process';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { stableHash } from './ids.js';
import type { MachineInfo } from './record.js';

/** The machine running this process. `tools` are added by the caller when known. */
export function machineInfo(tools: Record<string, string> = {}): MachineInfo {
  const cpuList = cpus();
  const cpuModel = (cpuList[0]?.model ?? 'unknown').replace(/\s+/g, ' ').trim();
  const cores = cpuList.length;
  const memoryBytes = totalmem();
  const host = hostname();
  const id = stableHash([host, platform(), arch(), cpuModel, cores, memoryBytes].join('\u0000'));
  return {
    id,
    hostname: host,
    cpuModel,
    cores,
    memoryBytes,
    os: platform(),
    osRelease: release(),
    arch: arch(),
    nodeVersion: process.version,
    tools,
  };
}

/** How to ask each build tool for its version (first line of the output is kept). */
const VERSION_ARGS: Record<string, string[]> = {
  npm: ['--version'],
  pnpm: ['--version'],
  yarn: ['--version'],
  make: ['--version'],
  cargo: ['--version'],
  go: ['version'],
  mvn: ['--version'],
  gradle: ['--version'],
  dotnet: ['--version'],
  python3: ['--version'],
  git: ['--version'],
};

/** Versions of the given tools that answer within two seconds; the others are left out. */
export async function toolVersions(tools: readonly string[], cwd: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  await Promise.all(
    [...new Set(tools)].map(
      (tool) =>
        new Promise<void>((done) => {
          const args = VERSION_ARGS[tool];
          if (!args) return done();
          execFile(tool, args, { cwd, timeout: 2000, encoding: 'utf8' }, (error, stdout) => {
            const line = (stdout ?? '').split('\n').find((l) => l.trim() !== '');
            if (!error && line) result[tool] = line.trim().slice(0, 200);
            done();
          });
        }),
    ),
  );
  return result;
}
