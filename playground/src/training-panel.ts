/**
 * Panel 4: notebook 01's linear scorer trained live in the page — baseline, Hessian and Fisher
 * Newton losses side by side (`LinearScorerRun`), one step of each per frame, stoppable.
 */
import { LinearScorerRun } from '../../src/explore/linear-scorer';
import type { NewtonOptions } from '../../src/newton/types';
import { lineFigure } from '../../src/viz/figures';
import { draw, type GraphElement } from './plot';
import type { Settings } from './settings';

const STEPS = 300;
const WINDOW = 10;

interface Method {
  name: string;
  newton: NewtonOptions | undefined;
  run: LinearScorerRun;
  losses: number[];
}

export class TrainingPanel {
  private readonly plot: GraphElement;
  private readonly status: HTMLElement;
  private readonly startButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private methods: Method[] = [];
  /** Counts starts and stops: a training loop ends as soon as it is no longer the current session. */
  private session = 0;

  constructor(root: HTMLElement, private readonly settings: Settings) {
    this.plot = root.querySelector<GraphElement>('#training-plot')!;
    this.status = root.querySelector<HTMLElement>('#training-status')!;
    this.startButton = root.querySelector<HTMLButtonElement>('#train-start')!;
    this.stopButton = root.querySelector<HTMLButtonElement>('#train-stop')!;
    this.startButton.addEventListener('click', () => void this.start());
    this.stopButton.addEventListener('click', () => this.stop('stopped'));
    this.stopButton.disabled = true;
  }

  private async start(): Promise<void> {
    this.stop('restarted');
    const lambda = this.settings.lambda();
    const relaxation = this.settings.relaxation();
    this.methods = [
      { name: 'baseline', newton: undefined },
      { name: `hessian λ = ${lambda.toPrecision(2)}`, newton: { variant: 'hessian', lambda } as NewtonOptions },
      { name: `fisher λ = ${lambda.toPrecision(2)}`, newton: { variant: 'fisher', lambda } as NewtonOptions },
    ].map((m) => ({ ...m, run: new LinearScorerRun({ relaxation, newton: m.newton, seed: 0, testSets: 200 }), losses: [] }));
    const methods = this.methods;
    const session = ++this.session;
    this.startButton.disabled = true;
    this.stopButton.disabled = false;
    const title = `training loss of the linear scorer (mean over ${WINDOW}-step windows): ${this.settings.describe()}, Adam lr 0.01`;
    for (let step = 1; step <= STEPS; step++) {
      for (const m of methods) m.losses.push(m.run.step());
      if (step % WINDOW === 0) {
        await this.drawCurves(methods, title);
        if (session !== this.session) return;
        this.status.textContent = `step ${step} of ${STEPS}`;
      }
      await new Promise((resolve) => setTimeout(resolve, 0)); // let the page repaint and take clicks
      if (session !== this.session) return;
    }
    this.stop('finished');
  }

  private async drawCurves(methods: Method[], title: string): Promise<void> {
    const steps = methods[0].losses.length;
    const x = Array.from({ length: Math.ceil(steps / WINDOW) }, (_, k) => Math.min((k + 1) * WINDOW, steps));
    const figure = lineFigure(methods.map((m) => ({
      name: m.name,
      x,
      y: x.map((_, k) => {
        const part = m.losses.slice(k * WINDOW, (k + 1) * WINDOW);
        return part.reduce((a, b) => a + b, 0) / part.length;
      }),
    })), { title, xTitle: 'step', yTitle: 'ranking loss' });
    await draw(this.plot, figure, 380);
  }

  private stop(reason: string): void {
    if (this.methods.length === 0) return;
    const accuracy = this.methods.map((m) => `${m.name}: exact match ${(100 * m.run.evaluate().exactMatch).toFixed(1)} %`).join(', ');
    if (reason !== 'restarted') this.status.textContent = `${reason} after ${this.methods[0].run.steps} steps; test sets: ${accuracy}`;
    this.session += 1;
    for (const m of this.methods) m.run.dispose();
    this.methods = [];
    this.startButton.disabled = false;
    this.stopButton.disabled = true;
  }
}
