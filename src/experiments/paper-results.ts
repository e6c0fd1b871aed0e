/**
 * The paper's ranking numbers (Petersen et al., NeurIPS 2024, four-digit MNIST with the CNN,
 * 100 000 steps, mean over 10 seeds; test exact match in %), as far as our notes have them
 * (shared/paper-notes.md). Keys: `${relaxation}/${n}`; a missing variant is not known to us.
 */
export const PAPER_RANKING_EXACT_MATCH: Readonly<Record<string, Partial<Record<'baseline' | 'hessian' | 'fisher', number>>>> = {
  'neuralsort/5': { baseline: 71.33, fisher: 83.93 },
  'cauchy/5': { baseline: 85.09 },
  'neuralsort/10': { baseline: 24.26, hessian: 48.76, fisher: 39.23 },
  'softsort/10': { baseline: 27.46, hessian: 55.07, fisher: 54.0 },
  'logistic/10': { baseline: 12.31, hessian: 42.14, fisher: 25.72 },
};

/**
 * What the paper reports for the Warcraft shortest-path benchmark (test perfect match, full-size
 * trunk, 50 epochs, 10 seeds), as far as our notes have it: exact numbers for some cells, the
 * direction of the Newton-loss effect for others.
 */
export function paperShortestPathNote(method: string, samples: number): string | undefined {
  if (method.startsWith('rbf-')) return 'baseline above 94%; NL-Fisher gains a little';
  if (method === 'ss-loss' && samples === 3) return '62.83 baseline → 58.80 NL-Fisher (worse with 3 samples)';
  if (method === 'ss-loss' && samples >= 10) return 'Newton losses help with ≥ 10 samples';
  if (method === 'perturbed-fy') return 'NL-Hessian gains more than 2 points';
  return undefined;
}
