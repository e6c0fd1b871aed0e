/**
 * CPU milliseconds per run of `run` (process user + system time, so other processes competing
 * for the cores do not inflate it): warm up (JIT, caches, kernel compilation) for at least
 * `warmUpMs` and 3 runs, then take the median over `batches` batches of runs, each batch at least
 * `batchMs` of CPU time. A run slower than 0.5 s is timed in one batch only.
 */
export function cpuMsPerRun(run: () => void, options: { batches: number; warmUpMs?: number; batchMs?: number }): number {
  const { batches, warmUpMs = 300, batchMs = 50 } = options;
  const warmUpStart = performance.now();
  let slowest = 0;
  for (let i = 0; i < 3 || performance.now() - warmUpStart < warmUpMs; i++) {
    const start = performance.now();
    run();
    slowest = Math.max(slowest, performance.now() - start);
    if (slowest > 500) break;
  }
  const samples: number[] = [];
  for (let batch = 0; batch < (slowest > 500 ? 1 : batches); batch++) {
    const start = process.cpuUsage();
    let runs = 0;
    let elapsedMicros = 0;
    while (runs < 1 || elapsedMicros < batchMs * 1000) {
      run();
      runs++;
      const used = process.cpuUsage(start);
      elapsedMicros = used.user + used.system;
    }
    samples.push(elapsedMicros / runs / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}
