import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAnswer } from '../src/notebook';

test('checkAnswer: right within tolerance, wrong naming the entry, unanswered is no error; a bad expected value throws', () => {
  const log = console.log;
  const lines: string[] = [];
  console.log = (line: string) => lines.push(line);
  try {
    checkAnswer('one', 0.10004, 0.1);
    checkAnswer('two', [1, 2.5], [1, 2], { hint: 'divide by λ + ‖g‖²' });
    checkAnswer('three', undefined, 1);
    checkAnswer('four', Number.NaN, 1);
    checkAnswer('five', [1], [1, 2]);
    checkAnswer('six', 1e-7, 0, { tolerance: 1e-6 });
    checkAnswer('seven', 0.2, 0.1);
    assert.throws(() => checkAnswer('eight', 1, Number.NaN), /checkAnswer: expected must be finite numbers, got null/);
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, [
    '✓ **one**: correct.',
    '✗ **two**: entry 1 is 2.5, not 2. Hint: divide by λ + ‖g‖²',
    '☐ **three**: not answered yet.',
    '☐ **four**: not answered yet.',
    '✗ **five**: expected 2 number(s), got 1.',
    '✓ **six**: correct.',
    '✗ **seven**: 0.2, not 0.1.',
  ]);
});
