/**
 * Checks for the exercises at the end of a notebook: the student's answer against the value the
 * notebook computed, shown as a line that says ✓ or what is still wrong. An unanswered exercise
 * (`undefined`, NaN, an empty array) is "not answered yet", never an error, so a notebook with
 * open exercises still runs from top to bottom.
 */
import { markdown } from './notebook';

/**
 * Compares `answer` with `expected` (numbers or equally long number arrays) entry by entry, to a
 * relative tolerance (default 1e-3: |a − e| ≤ tolerance · max(1, |e|)), displays the verdict under
 * the exercise's `title` (markdown in a notebook, a line on stdout elsewhere): `✓ … correct`,
 * `✗ …` naming the first wrong entry, or `☐ … not answered yet`. Returns nothing, so a check
 * cell shows only the verdict.
 * `hint` is shown while the answer is wrong or missing. Throws only when `expected` itself is not
 * finite (a bug in the notebook, not in the answer).
 */
export function checkAnswer(
  title: string,
  answer: number | readonly number[] | undefined,
  expected: number | readonly number[],
  options: { tolerance?: number; hint?: string } = {},
): void {
  const want = typeof expected === 'number' ? [expected] : [...expected];
  if (want.length === 0 || !want.every(Number.isFinite)) throw new Error(`checkAnswer: expected must be finite numbers, got ${JSON.stringify(expected)}`);
  const tolerance = options.tolerance ?? 1e-3;
  const got = answer === undefined ? [] : typeof answer === 'number' ? [answer] : [...answer];
  const hint = options.hint ? ` Hint: ${options.hint}` : '';
  const wrong = got.findIndex((value, k) => !(Math.abs(value - want[k]) <= tolerance * Math.max(1, Math.abs(want[k]))));
  markdown(
    got.length === 0 || got.every(Number.isNaN)
      ? `☐ **${title}**: not answered yet.${hint}`
      : got.length !== want.length
        ? `✗ **${title}**: expected ${want.length} number(s), got ${got.length}.${hint}`
        : wrong < 0
          ? `✓ **${title}**: correct.`
          : `✗ **${title}**: ${want.length > 1 ? `entry ${wrong} is ` : ''}${got[wrong]}, not ${Number(want[wrong].toPrecision(4))}.${hint}`,
  );
}
