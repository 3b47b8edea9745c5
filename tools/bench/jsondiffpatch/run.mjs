// run.mjs OLD NEW [RUNS]: times jsondiffpatch on two JSON files, the way json_diff_bench
// times shadowdiff's JsonDiffer: both texts are read into memory first (not timed), then each
// run parses both (JSON.parse) and diffs them, arrays matched by `id` with move detection.
// One untimed warm-up run, then RUNS timed ones (default 5); prints one JSON object with the
// median (and min/max) wall time in ms. Run with --expose-gc to collect garbage between runs
// (tools/bench/compare-jsondiff does).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as jsondiffpatch from 'jsondiffpatch';

const [oldPath, newPath, runsArg = '5'] = process.argv.slice(2);
const runs = Number.parseInt(runsArg, 10);
if (!oldPath || !newPath || !(runs > 0)) {
  console.error('usage: node run.mjs OLD.json NEW.json [RUNS]');
  process.exit(2);
}

const oldText = readFileSync(oldPath, 'utf8');
const newText = readFileSync(newPath, 'utf8');
const differ = jsondiffpatch.create({
  objectHash: (o, i) => o.id ?? '$$index:' + i,
  arrays: { detectMove: true },
});

function once() {
  const start = performance.now();
  const a = JSON.parse(oldText);
  const b = JSON.parse(newText);
  const delta = differ.diff(a, b);
  const ms = performance.now() - start;
  return { ms, delta };
}

const warmup = once();
if (warmup.delta === undefined && oldText !== newText) {
  console.error('run.mjs: jsondiffpatch found no difference between different files');
  process.exit(1);
}
const deltaBytes = warmup.delta === undefined ? 0 : JSON.stringify(warmup.delta).length;

const times = [];
for (let i = 0; i < runs; i++) {
  if (globalThis.gc) globalThis.gc();
  times.push(once().ms);
}
const sorted = [...times].sort((x, y) => x - y);
const mid = sorted.length >> 1;
const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;

const pkg = JSON.parse(
  readFileSync(new URL('./node_modules/jsondiffpatch/package.json', import.meta.url), 'utf8'),
);
const round = (x) => Math.round(x * 1000) / 1000;
console.log(
  JSON.stringify({
    tool: 'jsondiffpatch',
    version: pkg.version,
    node: process.version,
    old_bytes: Buffer.byteLength(oldText),
    new_bytes: Buffer.byteLength(newText),
    runs,
    median_ms: round(median),
    min_ms: round(sorted[0]),
    max_ms: round(sorted[sorted.length - 1]),
    times_ms: times.map(round),
    delta_bytes: deltaBytes,
  }),
);
