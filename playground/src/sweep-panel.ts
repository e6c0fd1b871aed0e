/**
 * Panel 2: notebook 02's gradient figure. One score swept over [−4, 4], the others as set in panel 1:
 * the loss, its gradient and the Newton directions along that score (`gradientSweep`).
 */
import { gradientSweep } from '../../src/explore/gradient-sweep';
import { lineFigure } from '../../src/viz/figures';
import { select } from './controls';
import { draw, type GraphElement } from './plot';
import type { Settings } from './settings';

const VALUES = Array.from({ length: 121 }, (_, k) => -4 + (8 * k) / 120);

export class SweepPanel {
  private readonly index: HTMLSelectElement;
  private readonly plot: GraphElement;

  constructor(root: HTMLElement, private readonly settings: Settings, private readonly scores: () => number[]) {
    this.plot = root.querySelector<GraphElement>('#sweep-plot')!;
    this.index = select(root.querySelector<HTMLElement>('.controls')!, { id: 'swept-score', label: 'swept score', choices: [], value: '', onChange: () => void this.update() });
  }

  async update(): Promise<void> {
    const scores = this.scores();
    this.syncChoices(scores.length);
    const index = Number(this.index.value);
    const lambda = this.settings.lambda();
    const sweep = gradientSweep(this.settings.relaxation(), { scores, index, values: VALUES, lambda });
    const byPeak = (values: number[]): number[] => {
      const peak = Math.max(1e-30, ...values.map(Math.abs));
      return values.map((v) => v / peak);
    };
    const figure = lineFigure([
      { name: 'loss (scaled)', x: VALUES, y: byPeak(sweep.loss), dash: 'dot' },
      { name: `gradient ∂l/∂y${index}`, x: VALUES, y: byPeak(sweep.gradient) },
      { name: 'NL-Fisher', x: VALUES, y: byPeak(sweep.fisher) },
      { name: 'NL-Hessian', x: VALUES, y: byPeak(sweep.hessian) },
      { name: 'NL-Hessian, clipped', x: VALUES, y: byPeak(sweep.hessianClipped), dash: 'dash' },
    ], { title: `y${index} component of each update, divided by its peak (λ = ${lambda.toPrecision(2)}; ${this.settings.describe()})`, xTitle: `y${index}`, yTitle: 'component / peak', yRange: [-1.1, 1.1] });
    await draw(this.plot, figure, 380);
  }

  private syncChoices(n: number): void {
    if (this.index.options.length === n) return;
    const previous = Number(this.index.value || Math.floor(n / 2));
    this.index.replaceChildren(...Array.from({ length: n }, (_, i) => new Option(`y${i}`, String(i))));
    this.index.value = String(Math.min(previous, n - 1));
  }
}
