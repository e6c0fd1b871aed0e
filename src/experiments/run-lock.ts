/**
 * One process per run: a lock file `run.lock` in the run's folder, holding the holder's pid, host
 * and start time as JSON.
 *
 * The lock is created atomically: its content is written to a temporary file that is then
 * hard-linked to `run.lock` (link fails with EEXIST when the lock exists, like `open(O_EXCL)`, and
 * the lock is never seen half-written). A lock whose holder is dead (same host, `kill(pid, 0)`
 * gives ESRCH) is taken over: it is first renamed to a name only this process uses, checked to be
 * the dead holder's (a live lock renamed by a race is put back), then replaced. A lock that names
 * this process's pid but that this process does not hold was left by an earlier process with the
 * same pid, and is taken over too. A lock held from another host cannot be checked and is never
 * taken over.
 *
 * A lock is released by `release()`, and on process exit (also `process.exit` after a second
 * Ctrl-C) for every lock this process still holds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const LOCK_FILE = 'run.lock';

/** Who holds a run: written into the lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  startedAt: string;
}

/** A run held by another live process (or a process on another host). */
export class RunLockedError extends Error {
  constructor(readonly runId: string, readonly dir: string, readonly holder: LockHolder | null) {
    super(`run ${runId} (${dir}) is held by ${describeHolder(holder)}; wait for it to finish, or stop it (its lock is ${path.join(dir, LOCK_FILE)})`);
    this.name = 'RunLockedError';
  }
}

export interface RunLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Removes the lock if it is still this process's (idempotent). */
  release(): void;
}

const held = new Set<RunLock>();
let exitHookInstalled = false;

/** "pid 123 on host x since <time>" (or what is known). */
export function describeHolder(holder: LockHolder | null): string {
  if (!holder) return 'another process (its lock file cannot be read)';
  return `pid ${holder.pid} on host ${holder.host} since ${holder.startedAt}`;
}

/** The holder recorded in `dir`'s lock, or null when there is no lock; an unreadable lock reads as `undefined`. */
export function readRunLock(dir: string): LockHolder | null | undefined {
  const file = path.join(dir, LOCK_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return Number.isInteger(holder.pid) && typeof holder.host === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `holder` is a process on this host that no longer exists. */
export function holderIsDead(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'; // EPERM: alive, another user's
  }
}

/**
 * Takes the lock of the run `runId` in `dir` (the folder must exist). Throws `RunLockedError`
 * naming the run, its folder and the holder when a live process holds it (this process included:
 * a run cannot be run twice at once). A dead holder's lock is taken over and `onMessage` is told so.
 */
export function acquireRunLock(dir: string, runId: string, onMessage: (text: string) => void = () => {}): RunLock {
  const file = path.join(dir, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify(holder) + '\n');
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        fs.linkSync(temporary, file);
        return register(file, holder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = readRunLock(dir);
      if (current === null) continue; // released meanwhile
      const stale = current !== undefined && (holderIsDead(current) || isOwnStaleLock(file, current));
      if (!stale) throw new RunLockedError(runId, dir, current ?? null);
      if (takeOver(file, current)) onMessage(`run ${runId}: took over the lock of ${describeHolder(current)}, which is no longer running`);
    }
    throw new RunLockedError(runId, dir, readRunLock(dir) ?? null);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * A lock naming this process that this process does not hold: left by an earlier process that had
 * the same pid (pids repeat, e.g. in containers started afresh).
 */
function isOwnStaleLock(file: string, holder: LockHolder): boolean {
  if (holder.pid !== process.pid || holder.host !== os.hostname()) return false;
  return ![...held].some((lock) => lock.file === file && lock.holder.startedAt === holder.startedAt);
}

/** Moves a dead holder's lock out of the way; false when the lock turned out not to be that holder's. */
function takeOver(file: string, dead: LockHolder): boolean {
  const aside = `${file}.stale-${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  let moved: LockHolder | undefined;
  try {
    moved = JSON.parse(fs.readFileSync(aside, 'utf8')) as LockHolder;
  } catch {
    moved = undefined;
  }
  if (moved && (moved.pid !== dead.pid || moved.host !== dead.host || moved.startedAt !== dead.startedAt)) {
    try {
      fs.linkSync(aside, file); // a live lock taken meanwhile: put it back
    } catch {
      // someone else holds it now; the next attempt reads that
    }
    fs.rmSync(aside, { force: true });
    return false;
  }
  fs.rmSync(aside, { force: true });
  return true;
}

function register(file: string, holder: LockHolder): RunLock {
  const lock: RunLock = {
    file,
    holder,
    release() {
      if (!held.delete(lock)) return;
      try {
        const current = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
        if (current.pid === holder.pid && current.startedAt === holder.startedAt) fs.rmSync(file, { force: true });
      } catch {
        // gone already, or unreadable: not ours to remove
      }
    },
  };
  held.add(lock);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const lock of [...held]) lock.release();
    });
  }
  return lock;
}
