/**
 * The playground page: starts the best tfjs backend, shows it, builds the shared controls and the
 * four panels, and redraws the panels a change concerns. Redraws run one after another; while one
 * is pending `body[data-state]` is 'busy', then 'idle', and `body[data-redraws]` counts them.
 */
import { startBackend } from './backend';
import { LandscapePanel } from './landscape-panel';
import { ScoresPanel } from './scores-panel';
import { Settings } from './settings';
import { SweepPanel } from './sweep-panel';
import { TrainingPanel } from './training-panel';

type Redraw = () => Promise<void>;

async function main(): Promise<void> {
  const backendLine = document.getElementById('backend')!;
  const backend = await startBackend(new URLSearchParams(location.search).get('backend'));
  backendLine.textContent = `tfjs backend: ${backend.description}${backend.skipped.length ? ` (skipped ${backend.skipped.join('; ')})` : ''}`;
  document.body.dataset.backend = backend.name;

  const settings = new Settings(document.getElementById('settings')!);
  const scores = new ScoresPanel(document.getElementById('scores-panel')!, settings);
  const sweep = new SweepPanel(document.getElementById('sweep-panel')!, settings, () => scores.scores());
  const landscape = new LandscapePanel(document.getElementById('landscape-panel')!, settings);
  new TrainingPanel(document.getElementById('training-panel')!, settings);

  const pending = new Set<Redraw>();
  let running = false;
  let redraws = 0;
  const schedule = (...redrawsToRun: Redraw[]): void => {
    for (const redraw of redrawsToRun) pending.add(redraw);
    document.body.dataset.state = 'busy';
    if (!running) void drain();
  };
  const drain = async (): Promise<void> => {
    running = true;
    try {
      while (pending.size > 0) {
        await new Promise((resolve) => requestAnimationFrame(resolve)); // coalesce the events of one drag
        const batch = [...pending];
        pending.clear();
        for (const redraw of batch) await redraw();
        redraws += 1;
        document.body.dataset.redraws = String(redraws);
      }
    } catch (error) {
      showError(error);
    } finally {
      running = false;
      document.body.dataset.state = pending.size > 0 ? 'busy' : 'idle';
    }
  };
  const redrawScores: Redraw = () => scores.update();
  const redrawSweep: Redraw = () => sweep.update();
  const redrawLandscape: Redraw = () => landscape.update();
  settings.onChange(() => schedule(redrawScores, redrawSweep, redrawLandscape));
  scores.onChange(() => schedule(redrawScores, redrawSweep));
  schedule(redrawScores, redrawSweep, redrawLandscape);
}

function showError(error: unknown): void {
  const box = document.getElementById('error')!;
  box.hidden = false;
  box.textContent = `Error: ${(error as Error).message ?? String(error)}`;
  console.error(error);
}

main().catch(showError);
