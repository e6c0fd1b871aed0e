/**
 * Runs the loss-bound ranking study (`DIGIT_RANKING_STUDIES`) and prints its tables: the setting
 * chosen on validation per relaxation, n and variant, then each Newton variant against its baseline
 * (test exact match, mean ± std over seeds, paired difference with a 95% bootstrap interval).
 * Stored runs are loaded, missing ones trained as many at once as there are free cores, one process
 * each (they resume when interrupted).
 *
 * Usage: tsx scripts/digit-ranking-study.ts [--preset quick|smoke] [--results-dir DIR] [--no-train] [--markdown]
 */
import { parseArgs } from 'node:util';
import * as nl from '../src/index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string', default: 'quick' },
      'results-dir': { type: 'string' },
      'no-train': { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
    },
  });
  const preset = values.preset!;
  if (!(preset in nl.experiments.DIGIT_RANKING_STUDIES)) throw new Error(`--preset must be one of ${Object.keys(nl.experiments.DIGIT_RANKING_STUDIES).join(', ')}, got '${preset}'`);
  const study = nl.experiments.DIGIT_RANKING_STUDIES[preset as keyof typeof nl.experiments.DIGIT_RANKING_STUDIES];
  const resultsRoot = values['results-dir'] ?? nl.experiments.DEFAULT_RESULTS_ROOT;
  const load = (): nl.experiments.CsvRow[] => nl.experiments.loadResults('digit-ranking', { resultsRoot, where: { preset } });
  if (!values['no-train']) {
    const jobs = nl.sweeps.freeCores(); // runs at once, one process each
    await nl.sweeps.runGridInProcesses(nl.experiments.digitRankingExperiment, nl.experiments.digitRankingSelectionConfigs(study), { jobs, resultsRoot, progress: 'lines' });
    const selections = nl.experiments.digitRankingSelections(study, load());
    await nl.sweeps.runGridInProcesses(nl.experiments.digitRankingExperiment, nl.experiments.digitRankingFinalConfigs(study, selections), { jobs, resultsRoot, progress: 'lines' });
  }
  const results = load();
  const percent = (x: number): string => (100 * x).toFixed(1);
  const rows = nl.experiments.digitRankingComparisons(study, results).map((c) => ({
    relaxation: c.relaxation,
    n: c.n,
    variant: c.variant,
    'λ (policy)': `${c.lambda}${c.variant === 'hessian' ? ` (${c.indefinite})` : ''}`,
    baseline: `${percent(c.baselineMean)} ± ${percent(c.baselineStd)}`,
    'Newton loss': `${percent(c.methodMean)} ± ${percent(c.methodStd)}`,
    'Δ [95% CI]': `${c.difference >= 0 ? '+' : ''}${percent(c.difference)} [${percent(c.low)}, ${percent(c.high)}]`,
    'better seeds': `${c.better}/${c.seeds}`,
    gain: c.low > 0 ? 'yes' : c.high < 0 ? 'worse' : '—',
  }));
  const selections = nl.experiments.digitRankingSelections(study, results).map((sel) => ({
    ...sel.group,
    'validation exact %': (100 * sel.value).toFixed(1),
    seeds: sel.runs,
    candidates: sel.compared,
  }));
  const baselines = nl
    .experiments.summarizeResults(results.filter((row) => row.variant === 'baseline'), ['relaxation', 'n'], ['test_exact', 'wall_s'])
    .map((row) => ({ relaxation: row.relaxation, n: row.n, seeds: row.runs, 'test exact %': `${percent(Number(row.test_exact_mean))} ± ${percent(Number(row.test_exact_std))}`, 's / run': Math.round(Number(row.wall_s_mean)) }));
  const ablationRows = results.filter(
    (row) => ['neuralsort', 'softsort'].includes(String(row.relaxation)) && study.n.includes(Number(row.n)) && study.selectionSeeds.includes(Number(row.seed)) && row.indefinite === 'invert',
  );
  const ablationSummary = nl.experiments.summarizeResults(ablationRows, ['relaxation', 'n', 'variant', 'lambda'], ['test_exact']);
  const lambdas = [...new Set(ablationSummary.filter((r) => r.variant !== 'baseline').map((r) => Number(r.lambda)))].sort((a, b) => a - b);
  const cells = [...new Set(ablationSummary.map((r) => `${r.relaxation} n=${r.n}`))];
  const ablation = cells.flatMap((cell) =>
    ['hessian', 'fisher'].map((variant) => {
      const at = (lambda: number | null) => ablationSummary.find((r) => `${r.relaxation} n=${r.n}` === cell && (lambda === null ? r.variant === 'baseline' : r.variant === variant && Number(r.lambda) === lambda));
      const row: Record<string, nl.experiments.CsvValue> = { cell, variant, baseline: at(null) ? percent(Number(at(null)!.test_exact_mean)) : '' };
      for (const lambda of lambdas) row[`λ ${lambda}`] = at(lambda) ? percent(Number(at(lambda)!.test_exact_mean)) : '';
      return row;
    }),
  );
  const seconds = results.map((row) => Number(row.wall_s)).filter(Number.isFinite);
  const timing = nl
    .experiments.summarizeResults(results, ['relaxation', 'n', 'variant'], ['wall_s'])
    .map((row) => ({ relaxation: row.relaxation, n: row.n, variant: row.variant, runs: row.runs, 's / run': Math.round(Number(row.wall_s_mean)) }));
  console.log(`\n${results.length} finished runs, ${(seconds.reduce((a, b) => a + b, 0) / 3600).toFixed(2)} h of run time in all (wall time of each run, summed)`);
  const print = values.markdown ? markdownTable : nl.experiments.formatTable;
  console.log('\nλ ablation (test exact %, mean over the selection seeds)\n');
  console.log(print(ablation));
  console.log('\nTime per run\n');
  console.log(print(timing));
  for (const [title, table] of [['Chosen on validation', selections], ['Baselines', baselines], ['Newton losses against the baseline (test exact match, %)', rows]] as const) {
    console.log(`\n${title}\n`);
    console.log(print(table as Record<string, nl.experiments.CsvValue>[]));
  }
}

function markdownTable(rows: readonly Record<string, nl.experiments.CsvValue>[]): string {
  if (rows.length === 0) return '(none)';
  const columns = Object.keys(rows[0]);
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${columns.map((c) => String(row[c] ?? '')).join(' | ')} |`)].join('\n');
}

main().catch((error) => {
  console.error(`digit-ranking-study: ${(error as Error).message}`);
  process.exit(1);
});
