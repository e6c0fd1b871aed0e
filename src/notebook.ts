/**
 * newton-losses/notebook: the public API (everything `newton-losses` exports: the method at the top
 * level, `data`, `models`, `experiments`, `sweeps`, `runtime`, `analysis`, `viz`, `explore` as
 * namespaces) plus, at the top level, the parts for notebooks, which need optional peer dependencies: `setupNotebook`, `show`, `table`, `markdown`,
 * `progress`, `checkAnswer` (tslab display; plotly.js-dist-min inlined for figures), standalone figure pages
 * (`figureHtml`, `writeFigureHtml`: plotly.js-dist-min) and `toDataFrame` (danfojs-node).
 * One import at the top of a notebook: `import * as nl from 'newton-losses/notebook'`.
 */
export * from './index';
export { setupNotebook, SMOKE_BANNER, show, table, markdown, progress, figureHtml, writeFigureHtml, FIGURES_DIR_ENV_VAR } from './viz/notebook';
export { checkAnswer } from './viz/exercise';
export type { NotebookContext } from './viz/notebook';
export { toDataFrame } from './viz/data-frame';
