/**
 * A relaxation as one row of its family's table: a name, its parameters with defaults and ranges,
 * and `build`, which makes the relaxation from checked parameters. The sorting relaxations
 * (`sorting/relaxations.ts`) and the shortest-path methods (`experiments/shortest-path-methods.ts`)
 * are such tables; the CLI, the presets and the notebooks read them, so a new relaxation is its
 * own file (math + row) and one line in the table.
 */
import { assertAtLeast, assertOneOf, assertPositive } from '../runtime/checks';

/** A parameter of a relaxation: a number with a range, or one of a few names. */
export type RelaxationParameter =
  | {
      name: string;
      description: string;
      default: number;
      /** 'positive': > 0; a number: ≥ that number. */
      range: 'positive' | number;
    }
  | { name: string; description: string; default: string; choices: readonly string[] };

/** Parameter values by name (numbers, or names for choices). */
export type RelaxationParams = Readonly<Record<string, number | string>>;

export interface RelaxationRow<Name extends string, Built> {
  name: Name;
  /** One line: what it is and where it comes from. */
  description: string;
  parameters: readonly RelaxationParameter[];
  /** The relaxation, from a complete set of checked parameters (`resolveParameters`). */
  build(params: RelaxationParams): Built;
}

/** The row named `name` of `table`; an unknown name is an error listing the names. */
export function findRow<Row extends { name: string }>(where: string, table: readonly Row[], name: unknown): Row {
  const names = table.map((row) => row.name);
  assertOneOf(where, 'name', name, names);
  return table[names.indexOf(name)];
}

/** The defaults of a row's parameters. */
export function parameterDefaults(row: { parameters: readonly RelaxationParameter[] }): RelaxationParams {
  return Object.fromEntries(row.parameters.map((p) => [p.name, p.default]));
}

/**
 * The row's defaults overridden by `params`, every value checked against its range or choices; a
 * parameter the row does not have is an error naming the ones it has.
 */
export function resolveParameters(where: string, row: RelaxationRow<string, unknown>, params: RelaxationParams = {}): RelaxationParams {
  const known = row.parameters.map((p) => p.name);
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) {
      throw new Error(`${where}: '${row.name}' has no parameter '${key}'; its parameters are ${known.join(', ')}`);
    }
  }
  const resolved: Record<string, number | string> = {};
  for (const parameter of row.parameters) {
    const value = params[parameter.name] ?? parameter.default;
    const name = `params.${parameter.name}`;
    if ('choices' in parameter) assertOneOf(where, name, value, parameter.choices);
    else if (parameter.range === 'positive') assertPositive(where, name, value);
    else assertAtLeast(where, name, value, parameter.range);
    resolved[parameter.name] = value;
  }
  return resolved;
}
