/** Small form controls of the page: labelled sliders (linear or logarithmic) and selects. */

export interface Slider {
  input: HTMLInputElement;
  /** The slider's value (for a log slider: 10^position). */
  value(): number;
  set(value: number): void;
}

/**
 * A range input with a label and a live readout, appended to `parent`.
 * `log`: the slider moves the exponent, from 10^min to 10^max.
 */
export function slider(parent: HTMLElement, options: { id: string; label: string; min: number; max: number; step: number; value: number; log?: boolean; onInput: () => void }): Slider {
  const wrapper = document.createElement('label');
  wrapper.className = 'control';
  const text = document.createElement('span');
  const input = document.createElement('input');
  const readout = document.createElement('output');
  input.type = 'range';
  input.id = options.id;
  input.min = String(options.min);
  input.max = String(options.max);
  input.step = String(options.step);
  const toValue = (position: number): number => (options.log ? 10 ** position : position);
  const toPosition = (value: number): number => (options.log ? Math.log10(value) : value);
  const show = (): void => {
    const value = toValue(Number(input.value));
    readout.textContent = options.log ? value.toPrecision(2) : value.toFixed(2);
  };
  input.value = String(toPosition(options.value));
  text.textContent = options.label;
  show();
  input.addEventListener('input', () => {
    show();
    options.onInput();
  });
  wrapper.append(text, input, readout);
  parent.append(wrapper);
  return {
    input,
    value: () => toValue(Number(input.value)),
    set: (value) => {
      input.value = String(toPosition(value));
      show();
    },
  };
}

/** A select with a label, appended to `parent`. */
export function select(parent: HTMLElement, options: { id: string; label: string; choices: { value: string; text: string }[]; value: string; onChange: () => void }): HTMLSelectElement {
  const wrapper = document.createElement('label');
  wrapper.className = 'control';
  const text = document.createElement('span');
  text.textContent = options.label;
  const element = document.createElement('select');
  element.id = options.id;
  for (const choice of options.choices) {
    const option = document.createElement('option');
    option.value = choice.value;
    option.textContent = choice.text;
    element.append(option);
  }
  element.value = options.value;
  element.addEventListener('change', options.onChange);
  wrapper.append(text, element);
  parent.append(wrapper);
  return element;
}
