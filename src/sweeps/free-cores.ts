/**
 * How many runs of a grid to train at once on this machine by default.
 */
import * as os from 'node:os';

/**
 * The cores not busy now: `os.availableParallelism()` minus the one-minute load average (rounded),
 * at least 1. On an idle 2-core machine 2; while two other processes compute on it, 1.
 * `loadAverage` and `cores` are for tests (default: the machine's).
 */
export function freeCores(cores = os.availableParallelism(), loadAverage = os.loadavg()[0]): number {
  if (!(Number.isInteger(cores) && cores >= 1)) throw new Error(`freeCores: cores must be an integer >= 1, got ${cores}`);
  if (!(Number.isFinite(loadAverage) && loadAverage >= 0)) throw new Error(`freeCores: loadAverage must be a number >= 0, got ${loadAverage}`);
  return Math.max(1, cores - Math.round(loadAverage));
}
