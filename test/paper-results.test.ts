import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAPER_RANKING_EXACT_MATCH, paperShortestPathNote } from '../src/experiments/paper-results';

test('paper numbers: ranking exact match per relaxation/n and variant; shortest-path notes per method and samples', () => {
  assert.equal(PAPER_RANKING_EXACT_MATCH['neuralsort/5'].fisher, 83.93);
  assert.equal(PAPER_RANKING_EXACT_MATCH['logistic/5'], undefined, 'no n = 5 number for the logistic network');
  assert.match(paperShortestPathNote('ss-loss', 3)!, /62\.83.*58\.80/);
  assert.match(paperShortestPathNote('rbf-while-l2', 0)!, /94%/);
  assert.match(paperShortestPathNote('perturbed-fy', 3)!, /NL-Hessian/);
  assert.equal(paperShortestPathNote('ss-algorithm', 3), undefined);
});
