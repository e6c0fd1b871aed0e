/**
 * Where the runs of an experiment stand: `newton-losses status <experiment>`.
 *
 * Sources: every run folder of the run store (status.json, and run.lock for whether its process
 * still lives), and the job arrays submitted by `submitSlurmGrid` (their records under
 * `<root>/.slurm/<experiment>/`), whose tasks Slurm reports through `squeue` (queued, running) and,
 * where accounting is enabled, `sacct` (how a task ended). Without Slurm only the run store speaks.
 *
 * States: `queued` (an array task waits), `running` (a live process holds the run, or its task
 * runs), `interrupted` (stopped with a checkpoint, or its process died: resumable), `failed` (the
 * run failed, resumable; or its Slurm task ended without the run finishing), `finished`, and
 * `submitted` (a recorded task that Slurm no longer lists and that left no trace in the run store).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readJsonFile } from '../experiments/csv';
import type { Experiment } from '../experiments/experiment';
import { holderIsDead, readRunLock } from '../experiments/run-lock';
import { readRunStatus } from '../experiments/run-store';

export type RunStateName = 'queued' | 'running' | 'interrupted' | 'failed' | 'finished' | 'submitted';

/** One run's state. */
export interface RunStateRow {
  runId: string;
  state: RunStateName;
  /** Steps saved (or the failing step) and steps in all, from the run store; absent before the run started. */
  step?: number;
  totalSteps?: number;
  /** Who works on it: `slurm <job>_<task>` and/or `pid <pid> on <host>`. */
  where?: string;
  /** The run store's or Slurm's message (why it failed, where it resumes). */
  message?: string;
}

/** A job array submitted by `submitSlurmGrid`: stored as `<root>/.slurm/<experiment>/job-<id>.json`. */
export interface SlurmSubmission {
  jobId: string;
  jobName: string;
  script: string;
  submittedAt: string;
  tasks: { index: number; runId: string }[];
}

/** The folder of an experiment's Slurm scripts, submission records and task output. */
export function slurmFolder(resultsRoot: string, experiment: string): string {
  return path.join(resultsRoot, '.slurm', experiment);
}

/** The recorded submissions of `experiment`, oldest first; an unreadable record is an error naming it. */
export function slurmSubmissions(resultsRoot: string, experiment: string): SlurmSubmission[] {
  const folder = slurmFolder(resultsRoot, experiment);
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((name) => /^job-\d+\.json$/.test(name))
    .map((name) => readJsonFile<SlurmSubmission>(path.join(folder, name)))
    .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
}

/**
 * Slurm's state of the array tasks of `jobName` (squeue) and of `jobIds` (sacct), keyed
 * `<job>_<task>`, e.g. `{ '12_0': 'RUNNING', '12_1': 'PENDING' }`; empty where the commands are
 * missing or fail (no Slurm here, accounting disabled).
 */
export function slurmTaskStates(jobName: string, jobIds: readonly string[]): Map<string, string> {
  const states = new Map<string, string>();
  if (jobIds.length === 0) return states;
  const sacct = spawnSync('sacct', ['--noheader', '--parsable2', `--jobs=${jobIds.join(',')}`, '--format=JobID,State'], { encoding: 'utf8' });
  if (sacct.status === 0) {
    for (const line of sacct.stdout.split('\n')) {
      const [id, state] = line.trim().split('|');
      if (id && state && /^\d+_\d+$/.test(id)) states.set(id, state.split(' ')[0]);
    }
  }
  const squeue = spawnSync('squeue', ['--noheader', '--array', `--name=${jobName}`, '--format=%i|%T'], { encoding: 'utf8' });
  if (squeue.status === 0) {
    for (const line of squeue.stdout.split('\n')) {
      const [id, state] = line.trim().split('|');
      if (id && state && /^\d+_\d+$/.test(id)) states.set(id, state);
    }
  }
  return states;
}

/** Every run of `experiment` the run store or a recorded Slurm submission knows, sorted by run id. */
export function runStates(experiment: Experiment, resultsRoot: string): RunStateRow[] {
  const rows = new Map<string, RunStateRow>();
  const runsFolder = path.join(resultsRoot, experiment.name);
  for (const id of fs.existsSync(runsFolder) ? fs.readdirSync(runsFolder).sort() : []) {
    const dir = path.join(runsFolder, id);
    if (!fs.existsSync(path.join(dir, 'config.json'))) continue;
    rows.set(id, storedState(id, dir));
  }
  const submissions = slurmSubmissions(resultsRoot, experiment.name);
  const slurm = slurmTaskStates(`newton-losses-${experiment.name}`, submissions.map((s) => s.jobId));
  for (const submission of submissions) {
    for (const task of submission.tasks) {
      const key = `${submission.jobId}_${task.index}`;
      const slurmState = slurm.get(key);
      const row = rows.get(task.runId) ?? { runId: task.runId, state: 'submitted' as const };
      if (row.state === 'finished') continue;
      const where = `slurm ${key}`;
      if (slurmState === 'PENDING' || slurmState === 'CONFIGURING' || slurmState === 'REQUEUED') {
        rows.set(task.runId, { ...row, state: 'queued', where, message: row.message ?? `array task ${key} waits` });
      } else if (slurmState === 'RUNNING' || slurmState === 'COMPLETING') {
        rows.set(task.runId, { ...row, state: 'running', where: row.where ? `${where}, ${row.where}` : where });
      } else if (slurmState && row.state !== 'running') {
        const ended = `array task ${key} ended ${slurmState}`;
        rows.set(task.runId, { ...row, state: row.state === 'submitted' ? 'failed' : row.state, where, message: row.message ? `${row.message} (${ended})` : ended });
      } else if (!rows.has(task.runId)) {
        rows.set(task.runId, { ...row, where, message: `array task ${key}, submitted ${submission.submittedAt}; Slurm does not list it now` });
      }
    }
  }
  return [...rows.values()].sort((a, b) => a.runId.localeCompare(b.runId));
}

function storedState(id: string, dir: string): RunStateRow {
  let status;
  try {
    status = readRunStatus(dir);
  } catch (error) {
    return { runId: id, state: 'failed', message: (error as Error).message };
  }
  const holder = readRunLock(dir);
  const live = holder ? !holderIsDead(holder) : holder === undefined; // an unreadable lock: someone holds it
  const where = holder ? `pid ${holder.pid} on ${holder.host === os.hostname() ? 'this host' : holder.host}` : undefined;
  const base = { runId: id, step: status?.step, totalSteps: status?.totalSteps, where, message: status?.message };
  if (live) return { ...base, state: 'running' };
  if (!status) return { ...base, state: 'interrupted', message: 'set up, no step saved' };
  if (status.state === 'running') return { ...base, state: 'interrupted', message: `its process ended without saying; resumes from the checkpoint at step ${status.step}` };
  return { ...base, state: status.state };
}
