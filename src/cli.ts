/**
 * Command line: `npx newton-losses <command> [options]`.
 *
 *   newton-losses <experiment> [--option value …]        one run (e.g. `ranking --relaxation softsort`)
 *   newton-losses <experiment> --grid --seed 0,1,2 …     every combination of comma-separated lists,
 *                                                        `--jobs K` runs at once (one process each)
 *   newton-losses <experiment> --grid … --slurm          the grid as a Slurm job array (`--dry-run` prints it)
 *   newton-losses status <experiment>                    runs queued / running / interrupted / failed / finished
 *   newton-losses results <experiment> [--by a,b] …      mean ± std over seeds of finished runs
 *   newton-losses plot <experiment> --metric m --out f.html   curves of stored runs, mean ± std over seeds
 *   newton-losses <experiment> --help                    every option with its default per preset
 *
 * Ctrl-C (SIGINT) or SIGTERM during training stops at the next step boundary with a checkpoint
 * (exit code 130 / 143; the same command resumes); a second signal exits at once. Exit codes:
 * 0 done, 1 a run failed or was held by another process, 2 a usage error, 130 / 143 interrupted.
 *
 * Experiments come from the registry (`registerExperiment`), so a new one needs no change here.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, describeBackend, BACKEND_CHOICES } from './runtime/backend';
import { PRESET_ENV_VAR } from './runtime/preset';
import { bandFigure } from './viz/figures';
import { writeFigureHtml } from './viz/notebook';
import {
  getExperiment,
  listExperiments,
  isBuiltInExperiment,
  resolveConfig,
  checkOptionValue,
  expandGrid,
  runGrid,
  runId,
  loadResults,
  loadRunLogs,
  curvesOverRuns,
  summarizeResults,
  formatSummary,
  formatMetric,
  metricUnit,
  formatTable,
  toCsv,
  DEFAULT_RESULTS_ROOT,
  type Experiment,
  type OptionSpec,
  type ConfigValue,
  type RunConfig,
  type ProgressMode,
} from './experiments/index';
import { gridParentGone, runGridInProcesses } from './sweeps/process-grid';
import { parseJobs, parseSlurmResources, SWEEP_FLAGS, SWEEP_HELP } from './sweeps/run-options';
import { submitSlurmGrid } from './sweeps/slurm';
import { runStates, type RunStateName } from './sweeps/status';

interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Ends the process at once (a second Ctrl-C); default process.exit. */
  exit?: (code: number) => never;
}

/** Exit code of a run stopped by a signal: 128 + the signal's number. */
const SIGNAL_EXIT_CODES: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'tty', 'lines', 'none'];

/** In a grid's child process: aborts when the grid process is gone (see `gridParentGone`). */
let parentGone: AbortSignal | undefined;

/** Runs the CLI with `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  parentGone ??= gridParentGone();
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(generalHelp());
      return 0;
    }
    if (command === 'results') return await resultsCommand(rest, io);
    if (command === 'plot') return await plotCommand(rest, io);
    if (command === 'status') return statusCommand(rest, io);
    return await experimentCommand(getExperiment(command), rest, io);
  } catch (error) {
    io.stderr.write(`newton-losses: ${(error as Error).message}\n`);
    return 2;
  }
}

function generalHelp(): string {
  const lines = [
    'Usage: newton-losses <command> [options]',
    '',
    'Commands:',
    ...listExperiments().map((name) => `  ${name.padEnd(16)}${getExperiment(name).description} (--grid for sweeps)`),
    `  ${'results'.padEnd(16)}mean ± std over seeds of the finished runs of an experiment`,
    `  ${'plot'.padEnd(16)}curves of stored runs (mean ± std over seeds) into a standalone HTML file`,
    `  ${'status'.padEnd(16)}where the runs of an experiment stand: queued, running, interrupted, failed, finished`,
    '',
    'Run `newton-losses <command> --help` for its options.',
    '',
  ];
  return lines.join('\n');
}

const RUN_FLAGS = {
  grid: { type: 'boolean' },
  restart: { type: 'boolean' },
  'previous-checkpoint': { type: 'boolean' },
  'results-dir': { type: 'string' },
  backend: { type: 'string' },
  progress: { type: 'string' },
  workers: { type: 'string' },
  ...SWEEP_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

async function experimentCommand(experiment: Experiment, argv: readonly string[], io: Io): Promise<number> {
  const flagToOption = new Map(experiment.options.map((spec) => [kebab(spec.name), spec]));
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { ...RUN_FLAGS };
  for (const flag of flagToOption.keys()) options[flag] = { type: 'string' };
  const booleanFlags = new Set([...flagToOption].filter(([, spec]) => spec.type === 'boolean').map(([flag]) => flag));
  const { values } = parseStrict(experiment.name, withBareBooleans(argv, booleanFlags), options);
  if (values.help) {
    io.stdout.write(experimentHelp(experiment));
    return 0;
  }
  const grid = values.grid === true;
  const axes: Record<string, ConfigValue[]> = {};
  for (const [flag, spec] of flagToOption) {
    const raw = values[flag];
    if (typeof raw !== 'string') continue;
    const parts = raw.split(',').map((part) => part.trim());
    if (parts.length > 1 && !grid) throw new Error(`--${flag} '${raw}' is a list; add --grid to run every combination`);
    if (parts.some((part) => part === '') && spec.type !== 'string') {
      throw new Error(parts.length > 1 ? `--${flag} '${raw}' has an empty item` : `--${flag} needs a value, got '${raw}'`);
    }
    axes[spec.name] = parts.map((part) => parseOptionValue(experiment.name, spec, part, flag));
  }
  if (!axes.preset) {
    const fromEnvironment = process.env[PRESET_ENV_VAR];
    if (fromEnvironment) axes.preset = [checkOptionValue(`environment variable ${PRESET_ENV_VAR}`, presetSpec(experiment), fromEnvironment)];
  }
  const progress = (values.progress ?? 'auto') as ProgressMode;
  if (!PROGRESS_MODES.includes(progress)) throw new Error(`--progress must be one of ${PROGRESS_MODES.join(', ')}, got '${progress}'`);
  const backendName = values.backend as string | undefined;
  if (backendName !== undefined && !(BACKEND_CHOICES as readonly string[]).includes(backendName)) {
    throw new Error(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${backendName}'`);
  }
  const workers = Number(values.workers ?? 1);
  if (!(/^\d+$/.test(String(values.workers ?? 1)) && Number.isInteger(workers) && workers >= 1)) throw new Error(`--workers must be an integer >= 1, got '${values.workers}'`);
  const restart = values.restart === true;
  const previousCheckpoint = values['previous-checkpoint'] === true;
  if (restart && previousCheckpoint) throw new Error('--restart and --previous-checkpoint exclude each other: one starts over, the other resumes');

  const seen = new Set<string>();
  const configs = expandGrid(axes)
    .map((overrides) => resolveConfig(experiment, overrides))
    .filter((config) => {
      const id = runId(experiment, config); // configs that normalise to the same run (e.g. lambda for a baseline) run once
      return seen.has(id) ? false : (seen.add(id), true);
    });
  const resultsRoot = resultsDirectory(values['results-dir']);
  if ((restart || previousCheckpoint) && configs.length > 1) {
    throw new Error(`--${restart ? 'restart' : 'previous-checkpoint'} applies to one run; this command names ${configs.length}`);
  }
  const jobs = parseJobs(values, isBuiltInExperiment(experiment) ? undefined : experiment.name);
  const slurm = parseSlurmResources(values);
  if (values.slurm === true) {
    if (!isBuiltInExperiment(experiment)) throw new Error(`--slurm: experiment '${experiment.name}' is registered in this process only; a Slurm task cannot load it`);
    const submitted = submitSlurmGrid(experiment, configs, { ...slurm, resultsRoot, backend: backendName, workers, dryRun: values['dry-run'] === true });
    for (const skip of submitted.skipped) io.stderr.write(`not submitted: ${skip.runId} is ${skip.state}\n`);
    if (!submitted.script) {
      io.stderr.write(`nothing to submit: all ${configs.length} runs of the grid are finished, queued or running (see newton-losses status ${experiment.name})\n`);
      return 0;
    }
    if (values['dry-run'] === true) io.stdout.write(submitted.script);
    else io.stderr.write(`submitted job ${submitted.jobId}: ${submitted.tasks.length} array task${submitted.tasks.length === 1 ? '' : 's'} (script ${submitted.file}); results in ${resultsRoot}; watch with: newton-losses status ${experiment.name}${resultsRoot === path.resolve(DEFAULT_RESULTS_ROOT) ? '' : ` --results-dir ${resultsRoot}`}\n`);
    return 0;
  }
  const inProcesses = jobs > 1 && configs.length > 1;
  const backend = await initBackend(backendName);
  const parallel = inProcesses ? `, up to ${Math.min(jobs, configs.length)} at once (one process each)` : '';
  io.stderr.write(`newton-losses ${experiment.name}: ${configs.length} run${configs.length === 1 ? '' : 's'} on ${describeBackend(backend)}${parallel}; results in ${resultsRoot}\n`);

  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (received) {
      io.stderr.write(`\n${signal} again: exiting now; the run resumes from its last checkpoint\n`);
      (io.exit ?? process.exit)(SIGNAL_EXIT_CODES[signal]);
      return;
    }
    received = signal;
    io.stderr.write(`\n${signal}: stopping after this step with a checkpoint (${signal === 'SIGINT' ? 'press Ctrl-C' : 'send it'} again to quit now)\n`);
    controller.abort();
  };
  const onInterrupt = (): void => onSignal('SIGINT');
  const onTerminate = (): void => onSignal('SIGTERM');
  // A run in a grid's child process: when the grid process is gone, stop as on SIGTERM.
  const onParentGone = (): void => {
    io.stderr.write('\nthe grid process that started this run is gone\n');
    onSignal('SIGTERM');
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  parentGone?.addEventListener('abort', onParentGone);
  if (parentGone?.aborted) onParentGone();
  try {
    const { outcomes, failures, held } = inProcesses
      ? await runGridInProcesses(experiment, configs, { jobs, resultsRoot, backend: backendName, workers, progress, stream: io.stderr, interrupt: controller.signal })
      : await runGrid(experiment, configs, {
          resultsRoot,
          progress,
          stream: io.stderr,
          interrupt: controller.signal,
          workers,
          restart,
          checkpoint: previousCheckpoint ? 'previous' : 'latest',
        });
    const rows = outcomes
      .filter((outcome) => outcome.result)
      .map((outcome) => ({
        ...pick(outcome.config, experiment.groupBy),
        seed: outcome.config.seed,
        ...Object.fromEntries(experiment.reportMetrics.map((metric) => [`${metric} ${metricUnit(metric)}`, formatMetric(metric, Number(outcome.result![metric]))])),
        ...pick(outcome.result!, ['best_step', 'wall_s']),
      }));
    if (rows.length) io.stdout.write(`${formatTable(rows as Record<string, ConfigValue>[])}\n`);
    for (const failure of failures) io.stderr.write(`failed: ${runId(experiment, failure.config)}: ${failure.error.message}\n`);
    for (const run of held) io.stderr.write(`not run: ${run.error.message}\n`);
    if (received) {
      const stopped = outcomes.filter((outcome) => outcome.status === 'interrupted');
      io.stderr.write(
        stopped.length > 1
          ? `interrupted ${stopped.length} runs, each at its step (${stopped.map((outcome) => `${outcome.step} of ${outcome.totalSteps}`).join(', ')}); run the same command to resume\n`
          : stopped.length === 1
            ? `interrupted at step ${stopped[0].step} of ${stopped[0].totalSteps}; run the same command to resume\n`
            : 'interrupted before the next run started; run the same command to resume\n',
      );
      return SIGNAL_EXIT_CODES[received];
    }
    return failures.length || held.length ? 1 : 0;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
    parentGone?.removeEventListener('abort', onParentGone);
  }
}

/** `--results-dir` as an absolute path (default `DEFAULT_RESULTS_ROOT`); an empty value is an error. */
function resultsDirectory(value: unknown): string {
  if (value === undefined) return path.resolve(DEFAULT_RESULTS_ROOT);
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`--results-dir needs a folder, got '${String(value)}'`);
  return path.resolve(value);
}

/** Boolean options may be given bare (`--spectrum`, as --help shows them): inserts `true` after them. */
function withBareBooleans(argv: readonly string[], flags: ReadonlySet<string>): string[] {
  const out: string[] = [];
  argv.forEach((arg, i) => {
    out.push(arg);
    const next = argv[i + 1];
    if (arg.startsWith('--') && flags.has(arg.slice(2)) && (next === undefined || next.startsWith('-'))) out.push('true');
  });
  return out;
}

function experimentHelp(experiment: Experiment): string {
  const presetNames = Object.keys(experiment.presets);
  const presetValue = (name: string, key: string): ConfigValue => (experiment.presets[name] as RunConfig)[key];
  const rows = experiment.options.map((spec) => {
    const value = spec.type === 'boolean' ? '' : ` <${spec.choices ? spec.choices.join('|') : spec.type}>`;
    const defaults =
      spec.name === 'preset'
        ? `default: ${experiment.defaultPreset}, or $${PRESET_ENV_VAR}`
        : spec.defaultText !== undefined
          ? `default: ${spec.defaultText}`
          : presetNames.every((name) => presetValue(name, spec.name) === presetValue(experiment.defaultPreset, spec.name))
            ? `default: ${showValue(presetValue(experiment.defaultPreset, spec.name))}`
            : `default: ${presetNames.map((name) => `${showValue(presetValue(name, spec.name))} (${name})`).join(', ')}`;
    return [`--${kebab(spec.name)}${value}`, `${spec.description} [${defaults}]`];
  });
  const runRows = [
    ['--grid', 'every option takes a comma-separated list; every combination runs, --jobs at once (runs held by another process come last)'],
    ['--restart', "discard the run's stored state (logs, checkpoints, result) and start over; refused while another process holds the run"],
    ['--previous-checkpoint', 'resume from checkpoint.prev.bin, when checkpoint.bin was rejected (damaged or disagreeing with the logs)'],
    ['--results-dir <path>', `where runs are stored [default: ${DEFAULT_RESULTS_ROOT}]`],
    ['--backend <name>', `${BACKEND_CHOICES.join('|')} [default: $NEWTON_LOSSES_BACKEND, else auto]`],
    ['--progress <mode>', `${PROGRESS_MODES.join('|')}: progress on stderr [default: auto]`],
    ['--workers <k>', 'worker threads for training, data parallel (one per free core; wasm is single-threaded) [default: 1]'],
    ...SWEEP_HELP,
    ['-h, --help', 'this help'],
  ];
  const width = 26; // longer flags (long choice lists) put their text on the next line
  const format = (list: string[][]): string =>
    list.map(([flag, text]) => (flag.length < width ? `  ${flag.padEnd(width)}${text}` : `  ${flag}\n  ${' '.repeat(width)}${text}`)).join('\n');
  return [
    `Usage: newton-losses ${experiment.name} [options]`,
    '',
    `${experiment.description}.`,
    'A run is stored under <results-dir>/' + `${experiment.name}/<run-id>/; a finished run is never rerun, an interrupted one resumes.`,
    '',
    'Options:',
    format(rows),
    '',
    'Run options:',
    format(runRows),
    '',
  ].join('\n');
}

async function resultsCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseStrict('results', argv, {
    by: { type: 'string' },
    metrics: { type: 'string' },
    where: { type: 'string', multiple: true },
    'results-dir': { type: 'string' },
    csv: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, true);
  if (values.help || positionals.length === 0) {
    io.stdout.write(
      [
        'Usage: newton-losses results <experiment> [options]',
        '',
        'Mean ± std over seeds (sample std) of the finished runs; report metrics (accuracies) in %, as in the run table.',
        '',
        '  --by <a,b,…>          group keys [default: every config field except the seed; the table shows',
        '                        the experiment\'s usual ones and every other field that differs between groups]',
        '  --metrics <a,b,…>     result columns [default: the experiment\'s report metrics]',
        '  --where <key=v1|v2>   keep runs whose config matches (repeatable)',
        `  --results-dir <path>  [default: ${DEFAULT_RESULTS_ROOT}]`,
        '  --csv                 print CSV (means and stds as columns) instead of a table',
        '',
      ].join('\n'),
    );
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  if (positionals.length > 1) throw new Error(`results: one experiment expected, got ${positionals.join(' ')}`);
  const experiment = getExperiment(positionals[0]);
  const explicitBy = values.by ? String(values.by).split(',') : null;
  const metrics = values.metrics ? String(values.metrics).split(',') : [...experiment.reportMetrics];
  const where = parseWhere(experiment, values.where as string[] | undefined);
  const resultsRoot = resultsDirectory(values['results-dir']);
  const rows = loadResults(experiment.name, { resultsRoot, where, onWarning: (message) => io.stderr.write(`warning: ${message}\n`) });
  if (rows.length === 0) {
    io.stderr.write(`${noRunsMessage(experiment.name, resultsRoot, where)}\n`);
    return 1;
  }
  // Runs are grouped by every config field except the seed, so runs that differ in anything else
  // (steps, width, τ, …) are never averaged together; the table shows the experiment's usual
  // columns plus every other field that differs between groups.
  const by = explicitBy ?? experiment.options.map((spec) => spec.name).filter((name) => name !== 'seed' && rows.every((row) => name in row));
  const grouped = summarizeResults(rows, by, [...metrics, 'wall_s']);
  const differs = (key: string): boolean => new Set(grouped.map((row) => JSON.stringify(row[key]))).size > 1;
  const shown = explicitBy ?? by.filter((key) => experiment.groupBy.includes(key) || differs(key));
  const summary = grouped.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !by.includes(key) || shown.includes(key))));
  if (values.csv) {
    io.stdout.write(toCsv(summary));
    return 0;
  }
  const table = formatSummary(summary, metrics).map((row, i) => {
    const { wall_s: _wall, ...rest } = row;
    const renamed = Object.fromEntries(Object.entries(rest).map(([key, value]) => [metrics.includes(key) ? `${key} ${metricUnit(key)}` : key, value]));
    return { ...renamed, 'wall s/run': Math.round(Number(summary[i].wall_s_mean)) };
  });
  io.stdout.write(`${formatTable(table)}\n`);
  return 0;
}

function statusCommand(argv: readonly string[], io: Io): number {
  const { values, positionals } = parseStrict('status', argv, {
    'results-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, true);
  if (values.help || positionals.length === 0) {
    io.stdout.write(
      [
        'Usage: newton-losses status <experiment> [--results-dir <path>]',
        '',
        'Every run of the experiment in the results folder, and every run of the Slurm job arrays submitted',
        'into it, with its state: queued (an array task waits), running (a live process holds the run, or its',
        'task runs), interrupted (stopped, or its process died: the same command resumes it), failed (resumable),',
        'finished, submitted (a task Slurm no longer lists that left no trace). Slurm states come from squeue',
        'and, with accounting, sacct. Resubmitting a grid with --slurm submits only runs not finished, queued',
        'or running.',
        '',
        `  --results-dir <path>  [default: ${DEFAULT_RESULTS_ROOT}]`,
        '',
      ].join('\n'),
    );
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  if (positionals.length > 1) throw new Error(`status: one experiment expected, got ${positionals.join(' ')}`);
  const experiment = getExperiment(positionals[0]);
  const resultsRoot = resultsDirectory(values['results-dir']);
  const rows = runStates(experiment, resultsRoot);
  if (rows.length === 0) {
    io.stderr.write(`no ${experiment.name} runs under ${resultsRoot}, stored or submitted\n`);
    return 1;
  }
  const table = rows.map((row) => ({
    state: row.state,
    run: row.runId,
    step: row.totalSteps === undefined ? '' : `${row.step}/${row.totalSteps}`,
    where: row.where ?? '',
    message: row.message ?? '',
  }));
  io.stdout.write(`${formatTable(table)}\n`);
  const order: RunStateName[] = ['queued', 'running', 'interrupted', 'failed', 'submitted', 'finished'];
  const counts = order.map((state) => [state, rows.filter((row) => row.state === state).length] as const).filter(([, n]) => n > 0);
  io.stdout.write(`${rows.length} runs: ${counts.map(([state, n]) => `${n} ${state}`).join(', ')}\n`);
  return 0;
}

async function plotCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseStrict('plot', argv, {
    metric: { type: 'string' },
    x: { type: 'string' },
    log: { type: 'string' },
    by: { type: 'string' },
    where: { type: 'string', multiple: true },
    every: { type: 'string' },
    'results-dir': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, true);
  if (values.help || positionals.length === 0) {
    io.stdout.write(
      [
        'Usage: newton-losses plot <experiment> --metric <column> --out <file.html> [options]',
        '',
        'Curves of the stored runs: one per group of runs (grouped as in `results`), the mean over the',
        'seeds with a band of ± one standard deviation, in a standalone HTML page (plotly inlined: it',
        'opens offline). Bands of a metric whose values all lie in [0, 1] are clipped to it.',
        '',
        '  --metric <column>     the column to plot, e.g. test_exact (eval log) or loss (train log)',
        '  --out <file.html>     where to write the page',
        '  --x <column>          x axis [default: step]',
        '  --log eval|train      which log of the runs [default: eval]',
        '  --by <a,b,…>          group keys [default: the experiment\'s, as in `results`]',
        '  --where <key=v1|v2>   keep runs whose config matches (repeatable)',
        '  --every <n>           average each run over bins of n on the x axis (noisy train logs)',
        `  --results-dir <path>  [default: ${DEFAULT_RESULTS_ROOT}]`,
        '',
      ].join('\n'),
    );
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  if (positionals.length > 1) throw new Error(`plot: one experiment expected, got ${positionals.join(' ')}`);
  const experiment = getExperiment(positionals[0]);
  const metric = values.metric as string | undefined;
  const out = values.out as string | undefined;
  if (!metric) throw new Error('plot: --metric <column> is required (e.g. one of ' + experiment.reportMetrics.join(', ') + ')');
  if (!out) throw new Error('plot: --out <file.html> is required');
  const log = (values.log ?? 'eval') as string;
  if (log !== 'eval' && log !== 'train') throw new Error(`plot: --log must be eval or train, got '${log}'`);
  const x = (values.x as string | undefined) ?? 'step';
  const every = values.every === undefined ? undefined : Number(values.every);
  if (every !== undefined && !(every > 0)) throw new Error(`plot: --every must be a number > 0, got '${values.every}'`);
  const by = values.by ? String(values.by).split(',') : [...experiment.groupBy];
  const where = parseWhere(experiment, values.where as string[] | undefined);
  const resultsRoot = resultsDirectory(values['results-dir']);
  const rows = loadRunLogs(experiment.name, log, { resultsRoot, where });
  if (rows.length === 0) {
    io.stderr.write(`${noRunsMessage(experiment.name, resultsRoot, where).replace('finished', 'stored')}\n`);
    return 1;
  }
  if (!(metric in rows[0])) throw new Error(`plot: the ${log} log has no column '${metric}' (columns: ${Object.keys(rows[0]).filter((k) => !by.includes(k)).join(', ')})`);
  const curves = curvesOverRuns(rows, { x, y: metric, by, every });
  // Name curves by the keys that differ between them; the keys they share go into the title.
  const varying = by.filter((key) => new Set(curves.map((c) => JSON.stringify(c.group[key]))).size > 1);
  const shared = by.filter((key) => !varying.includes(key)).map((key) => `${key}=${curves[0].group[key]}`);
  const named = curves.map((c) => ({ ...c, name: varying.length ? varying.map((key) => `${key}=${c.group[key]}`).join(', ') : metric }));
  const values01 = rows.map((row) => Number(row[metric])).filter(Number.isFinite);
  const bounded = values01.length > 0 && values01.every((v) => v >= 0 && v <= 1);
  const runs = curves.reduce((sum, c) => sum + c.runs, 0);
  const title = `${experiment.name}: ${metric}, mean ± std over seeds (${runs} runs)${shared.length ? `<br><sub>${shared.join(', ')}</sub>` : ''}`;
  const figure = bandFigure(named, { title, xTitle: x, yTitle: metric, bounds: bounded ? [0, 1] : undefined, height: 520 });
  writeFigureHtml(out, [figure], `${experiment.name}: ${metric}`);
  io.stderr.write(`${curves.length} curve${curves.length === 1 ? '' : 's'} from ${runs} run${runs === 1 ? '' : 's'} written to ${path.resolve(out)}\n`);
  return 0;
}

/** `--where key=v1|v2` clauses as a filter for `loadResults` / `loadRunLogs`. */
function parseWhere(experiment: Experiment, clauses: string[] | undefined): Record<string, ConfigValue[]> {
  const where: Record<string, ConfigValue[]> = {};
  for (const clause of clauses ?? []) {
    const match = /^([^=]+)=(.+)$/.exec(clause);
    if (!match) throw new Error(`--where must look like key=value or key=v1|v2, got '${clause}'`);
    const spec = experiment.options.find((option) => option.name === match[1]);
    if (!spec) throw new Error(`--where: unknown option '${match[1]}' of ${experiment.name}`);
    where[spec.name] = match[2].split('|').map((part) => parseOptionValue(experiment.name, spec, part, `where ${spec.name}=`));
  }
  return where;
}

/** Why there is nothing to show: no finished runs at all, or none that match `--where`. */
function noRunsMessage(experiment: string, resultsRoot: string, where: Record<string, ConfigValue[]>): string {
  const clauses = Object.entries(where).map(([key, values]) => `${key}=${values.join('|')}`);
  if (clauses.length === 0) return `no finished ${experiment} runs under ${resultsRoot}`;
  const all = loadResults(experiment, { resultsRoot }).length;
  if (all === 0) return `no finished ${experiment} runs under ${resultsRoot} (with or without --where)`;
  return `no finished ${experiment} run matches --where ${clauses.join(' --where ')} (${all} finished run${all === 1 ? '' : 's'} under ${resultsRoot} do not; drop --where to list them)`;
}

function parseStrict(
  command: string,
  argv: readonly string[],
  options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>,
  allowPositionals = false,
): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new Error(`${command}: ${message}; see newton-losses ${command} --help`);
  }
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Parses one command-line value for `spec` (numbers also as `10^-3.5`). Text that is not a finite
 * number (`NaN`, `Infinity`, `1e400`, `0x10`, `many`) is an error quoting what was typed.
 */
function parseOptionValue(context: string, spec: OptionSpec, text: string, flag = spec.name): ConfigValue {
  let value: ConfigValue = text;
  if (spec.type === 'number' || spec.type === 'integer') {
    const power = /^10\^(.+)$/.exec(text);
    const finite = power ? DECIMAL.test(power[1]) && Number.isFinite(Math.pow(10, Number(power[1]))) : DECIMAL.test(text) && Number.isFinite(Number(text));
    if (!finite) {
      const why = DECIMAL.test(power ? power[1] : text) ? 'is too large for a finite number' : 'is not a number';
      throw new Error(`${context}: --${flag} '${text}' ${why}; option '${spec.name}' must be ${spec.type === 'integer' ? 'an integer' : 'a finite number'}`);
    }
    value = power ? Math.pow(10, Number(power[1])) : Number(text);
    if (spec.type === 'integer' && !Number.isSafeInteger(value)) {
      throw new Error(`${context}: --${flag} '${text}' is not an integer; option '${spec.name}' must be an integer`);
    }
  } else if (spec.type === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new Error(`${context}: --${flag} '${text}' must be true or false`);
    value = text === 'true';
  }
  return checkOptionValue(context, spec, value);
}

function presetSpec(experiment: Experiment): OptionSpec {
  return experiment.options.find((spec) => spec.name === 'preset') ?? { name: 'preset', type: 'string', choices: Object.keys(experiment.presets), description: 'preset' };
}

/** A default for --help: numbers to 6 significant digits. */
function showValue(value: ConfigValue): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(6))) : String(value);
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function pick(row: Record<string, ConfigValue>, keys: readonly string[]): RunConfig {
  return Object.fromEntries(keys.filter((key) => key in row).map((key) => [key, row[key]]));
}
