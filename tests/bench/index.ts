// `npm run bench`: every performance target of the product, measured on
// generated data (cached in .bench-cache/), one table per area, then a summary
// of every target with its measured value and whether it is met.
//
//   npm run bench                          every area
//   npm run bench -- --only build,github   some areas (or DX_BENCH_ONLY=build,github)
//
// Exit status: 0 when every selected area ran (a missed target shows as NO in
// the tables; the machine's load moves the figures), 1 when an area failed to
// run, 2 for an unknown area name.
import { ingestedDatabase, selectAreas } from './areas.js';
import { printTable, type Row } from './util.js';

const selected = selectAreas(process.argv.slice(2), process.env);
if (typeof selected === 'string') {
  console.error(`bench: ${selected}`);
  process.exit(2);
}

const started = Date.now();
const summary: Row[] = [];
let failed = 0;
let db: string | null = null;

for (const area of selected) {
  let areaStarted = Date.now();
  let rows: Row[];
  try {
    if (area.needsDb && db === null) {
      db = await ingestedDatabase();
      areaStarted = Date.now();
    }
    const result = await area.run({ db: db ?? '' });
    rows = result.rows;
    if (result.db) db = result.db;
    if (!result.printed) printTable(`${area.title} — ${seconds(areaStarted)}`, rows);
  } catch (error) {
    failed += 1;
    const message = error instanceof Error ? error.message : String(error);
    rows = [['did not run', message.split('\n')[0]!, '', 'NO']];
    printTable(`${area.title} — failed after ${seconds(areaStarted)}`, rows);
  }
  for (const [measure, value, target, ok] of rows) {
    // "wrap: …", "build: …" name their subject already; the rest get the area's name
    const named = /^[a-z]+: /.test(measure) ? measure : `${area.name}: ${measure}`;
    if (target !== '' || measure === 'did not run') summary.push([named, value, target, ok]);
  }
}

// ── Slot: when tests/bench/report.ts exists, `benchReport(dbPath)` joins AREAS in
// areas.ts (see the commented entry there); nothing to change here.

printTable('Summary: every target', summary);
const missed = summary.filter((r) => r[3] === 'NO').length;
const skipped = summary.filter((r) => r[3] === 'skipped').length;
console.log(
  `\n${summary.length - missed - skipped} of ${summary.length} targets met` +
    (missed ? `, ${missed} missed` : '') +
    (skipped ? `, ${skipped} not measured` : '') +
    ` — bench finished in ${seconds(started)}`,
);
if (failed > 0) process.exitCode = 1;

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(0)} s`;
}
