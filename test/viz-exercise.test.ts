import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAnswer } from '../src/index';

test('checkAnswer: right within tolerance, wrong naming the entry, unanswered is no error; a bad expected value throws', () => {
  const log = console.log;
  const lines: string[] = [];
  console.log = (line: string) => lines.push(line);
  try {
    assert.equal(checkAnswer('one', 0.10004, 0.1).solved, true);
    assert.match(lines[0], /✓ \*\*one\*\*: correct/);
    const wrong = checkAnswer('two', [1, 2.5], [1, 2], { hint: 'divide by λ + ‖g‖²' });
    assert.equal(wrong.solved, false);
    assert.match(wrong.message, /✗ \*\*two\*\*: entry 1 is 2\.5, not 2\. Hint: divide by λ \+ ‖g‖²/);
    assert.match(checkAnswer('three', undefined, 1).message, /☐ \*\*three\*\*: not answered yet/);
    assert.match(checkAnswer('four', Number.NaN, 1).message, /not answered yet/);
    assert.match(checkAnswer('five', [1], [1, 2]).message, /expected 2 number\(s\), got 1/);
    assert.equal(checkAnswer('six', 1e-7, 0, { tolerance: 1e-6 }).solved, true, 'absolute tolerance near 0');
    assert.throws(() => checkAnswer('seven', 1, Number.NaN), /checkAnswer: expected must be finite numbers, got null/);
  } finally {
    console.log = log;
  }
});
