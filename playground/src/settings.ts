/**
 * The controls every panel shares: the relaxation, its temperature τ (NeuralSort, SoftSort) or
 * steepness s (sorting networks), and the Tikhonov strength λ of the Newton steps.
 */
import { makeRelaxation, RELAXATION_DEFAULTS, RELAXATION_NAMES, type RelaxationName } from '../../src/relaxations/sorting/relaxations';
import type { Relaxation } from '../../src/relaxations/sorting/relaxation';
import { select, slider, type Slider } from './controls';

const LABELS: Record<RelaxationName, string> = {
  neuralsort: 'NeuralSort',
  softsort: 'SoftSort',
  logistic: 'sorting network, logistic',
  logistic_phi: 'sorting network, logistic (ART)',
  cauchy: 'sorting network, Cauchy',
  reciprocal: 'sorting network, reciprocal',
  gaussian: 'sorting network, Gaussian',
  optimal: 'sorting network, optimal',
};

export class Settings {
  private readonly name: HTMLSelectElement;
  private readonly parameter: Slider;
  private readonly parameterLabel: HTMLElement;
  readonly lambdaSlider: Slider;
  private readonly listeners: (() => void)[] = [];

  constructor(parent: HTMLElement) {
    this.name = select(parent, {
      id: 'relaxation',
      label: 'relaxation',
      choices: RELAXATION_NAMES.map((value) => ({ value, text: LABELS[value] })),
      value: 'neuralsort',
      onChange: () => {
        this.parameter.set(this.defaultParameter());
        this.parameterLabel.textContent = this.usesTau() ? 'τ' : 'steepness s';
        this.changed();
      },
    });
    this.parameter = slider(parent, { id: 'relaxation-parameter', label: 'τ', min: -1.5, max: 2, step: 0.05, value: 1, log: true, onInput: () => this.changed() });
    this.parameterLabel = this.parameter.input.previousElementSibling as HTMLElement;
    this.lambdaSlider = slider(parent, { id: 'lambda', label: 'λ', min: -3, max: 2, step: 0.05, value: 0.1, log: true, onInput: () => this.changed() });
  }

  /** Calls `listener` whenever a shared control changes. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  relaxationName(): RelaxationName {
    return this.name.value as RelaxationName;
  }

  /** e.g. 'NeuralSort, τ = 1.0'. */
  describe(): string {
    return `${LABELS[this.relaxationName()]}, ${this.usesTau() ? 'τ' : 's'} = ${this.parameter.value().toPrecision(2)}`;
  }

  relaxation(): Relaxation {
    const value = this.parameter.value();
    return makeRelaxation(this.relaxationName(), this.usesTau() ? { tau: value } : { steepness: value });
  }

  lambda(): number {
    return this.lambdaSlider.value();
  }

  private usesTau(): boolean {
    return 'tau' in RELAXATION_DEFAULTS[this.relaxationName()];
  }

  private defaultParameter(): number {
    const defaults = RELAXATION_DEFAULTS[this.relaxationName()];
    return (this.usesTau() ? defaults.tau : defaults.steepness) as number;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
