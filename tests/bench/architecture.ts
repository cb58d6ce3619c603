// Times the fragile-architecture analysis (the whole report with --detail, which
// is what computes it) on a database that already holds an ingested history.
import { performance } from 'node:perf_hooks';
import { analyse } from '../../agent/analysis/analyse.js';
import { DEFAULT_CONFIG } from '../../agent/config.js';
import { Db } from '../../agent/store/db.js';

const RUNS = 3;

/** Median of RUNS report builds with --detail, plus what they found. */
export async function benchArchitecture(dbPath: string): Promise<Record<string, string | number>> {
  const db = await Db.open(dbPath);
  try {
    const times: number[] = [];
    const cpu: number[] = [];
    let report: Awaited<ReturnType<typeof analyse>> | null = null;
    let peakHeap = 0;
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      report = await analyse(db, {
        since: null,
        until: new Date(),
        now: new Date(),
        detail: true,
        top: 50,
        config: DEFAULT_CONFIG,
      });
      times.push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    const median = times.toSorted((a, b) => a - b)[Math.floor(times.length / 2)]!;
    const medianCpu = cpu.toSorted((a, b) => a - b)[Math.floor(cpu.length / 2)]!;
    return {
      'architecture: report with --detail (s)': Number((median / 1000).toFixed(2)),
      'architecture: CPU time of the process (s)': Number((medianCpu / 1000).toFixed(2)),
      'architecture: target (s)': 5,
      'architecture: ratio to target': Number((median / 5000).toFixed(2)),
      'architecture: commits': report?.git.commits ?? 0,
      'architecture: files': report?.git.filesChanged ?? 0,
      'architecture: coupled pairs': report?.git.couplingPairs ?? 0,
      'architecture: commits too large for coupling': report?.git.largeChangeSets ?? 0,
      'architecture: heap after (MB)': Math.round(peakHeap / 1024 / 1024),
    };
  } finally {
    await db.close();
  }
}
