/**
 * The experiments the CLI knows, by name. Built-in experiments are registered here; a user's own
 * experiment (anything implementing `Experiment`) joins with `registerExperiment`.
 */
import type { Experiment, RunConfig } from './experiment';
import { digitRankingExperiment } from './digit-ranking';
import { rankingExperiment } from './ranking';
import { shortestPathExperiment } from './shortest-path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyExperiment = Experiment<any>;

const experiments = new Map<string, AnyExperiment>();

/** Makes `experiment` available to the CLI and `getExperiment` under its name (a taken name is an error). */
export function registerExperiment<C extends RunConfig>(experiment: Experiment<C>): void {
  if (!/^[a-z][a-z0-9-]*$/.test(experiment.name)) {
    throw new Error(`registerExperiment: name must be lower-case letters, digits and dashes, got '${experiment.name}'`);
  }
  const existing = experiments.get(experiment.name);
  if (existing && existing !== experiment) throw new Error(`registerExperiment: an experiment named '${experiment.name}' is already registered`);
  experiments.set(experiment.name, experiment);
}

/** The registered experiment `name`; an unknown name is an error listing the known ones. */
export function getExperiment(name: string): AnyExperiment {
  const experiment = experiments.get(name);
  if (!experiment) throw new Error(`unknown experiment '${name}'; expected one of ${listExperiments().join(', ') || '(none registered)'}`);
  return experiment;
}

/** Names of the registered experiments, sorted. */
export function listExperiments(): string[] {
  return [...experiments.keys()].sort();
}

const builtIn: readonly AnyExperiment[] = [rankingExperiment, digitRankingExperiment, shortestPathExperiment];

/** Whether `experiment` is built in, so that a fresh process (a grid's child, a cluster task) knows it by name. */
export function isBuiltInExperiment(experiment: Experiment): boolean {
  return builtIn.includes(experiment as AnyExperiment);
}

for (const experiment of builtIn) registerExperiment(experiment);
