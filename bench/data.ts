/**
 * Data pipeline speed: four-digit batch assembly (the ranking task's per-step input) and terrain
 * generation (the shortest-path dataset). Run: `npx tsx bench/data.ts` (add `--full` to also
 * generate the paper-sized 12 000-map terrain dataset into a temporary folder and time it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureTerrainDataset,
  fourDigitTrainingBatch,
  generateTerrainMaps,
  loadMnist,
  loadShortestPathDataset,
  makeEvaluationSets,
} from '../src/data/index';

function timeMs(run: () => void, repeats: number): number {
  run(); // warm-up (JIT, caches)
  const start = performance.now();
  for (let i = 0; i < repeats; i++) run();
  return (performance.now() - start) / repeats;
}

let start = performance.now();
loadMnist('train');
loadMnist('test');
console.log(`MNIST IDX load (train + test, first call): ${(performance.now() - start).toFixed(1)} ms`);

let step = 0;
const full = timeMs(() => fourDigitTrainingBatch({ seed: 0, step: step++, batchSize: 100, setSize: 5 }), 40);
const half = timeMs(() => fourDigitTrainingBatch({ seed: 0, step: step++, batchSize: 100, setSize: 5, downscale: 2 }), 40);
console.log(`four-digit training batch, 100 sets × 5 items, 28×112: ${full.toFixed(2)} ms`);
console.log(`four-digit training batch, 100 sets × 5 items, 14×56 (downscale 2): ${half.toFixed(2)} ms (${(full / half).toFixed(1)}× faster)`);
const evaluation = makeEvaluationSets('test', 10000, 5, 0);
const evaluationBatch = timeMs(() => evaluation.batch(5000, 100), 40);
console.log(`evaluation batch of 100 sets from 10 000 fixed test sets: ${evaluationBatch.toFixed(2)} ms`);

const maps = 1000;
const perMap = timeMs(() => generateTerrainMaps(maps, 0), 2) / maps;
console.log(`terrain generation (layout + textures + Dijkstra): ${perMap.toFixed(3)} ms/map, ${(12000 * perMap / 1000).toFixed(1)} s for 12 000 maps (extrapolated)`);

if (process.argv.includes('--full')) {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-bench-'));
  try {
    start = performance.now();
    ensureTerrainDataset({ dir, onSplit: (split, count, s) => console.log(`  ${split}: ${count} maps in ${s.toFixed(1)} s`) });
    console.log(`paper-sized terrain dataset (10 000 / 1 000 / 1 000) generated and written: ${((performance.now() - start) / 1000).toFixed(1)} s`);
    start = performance.now();
    loadShortestPathDataset(dir, 'train');
    console.log(`load train split (10 000 maps): ${((performance.now() - start) / 1000).toFixed(2)} s`);
  } finally {
    rmSync(dir, { recursive: true });
  }
}
