/**
 * Experiment size presets, chosen by one environment variable so notebooks and the CLI agree:
 * - `smoke`: seconds; what the test suite runs.
 * - `quick`: minutes on a 2-core CPU; large enough to show the paper's effect where it exists at that scale.
 * - `paper`: the paper's sizes; meant for a GPU (tfjs-node-gpu).
 */
export const PRESETS = ['smoke', 'quick', 'paper'] as const;
export type Preset = (typeof PRESETS)[number];
export const PRESET_ENV_VAR = 'NEWTON_LOSSES_PRESET';

/** Checks a preset name; the error names where the value came from. */
export function parsePreset(value: string, source = 'preset'): Preset {
  if ((PRESETS as readonly string[]).includes(value)) return value as Preset;
  throw new Error(`${source}: unknown preset '${value}'; expected one of ${PRESETS.join(', ')}`);
}

/** The preset named by `NEWTON_LOSSES_PRESET`, default `quick`. */
export function presetFromEnvironment(): Preset {
  const value = process.env[PRESET_ENV_VAR];
  return value === undefined || value === '' ? 'quick' : parsePreset(value, `environment variable ${PRESET_ENV_VAR}`);
}
