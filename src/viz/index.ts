export { lineFigure, bandFigure, heatmapFigure, panelsFigure, contourFigure, surfaceFigure, barFigure } from './figures';
export type { Figure, Trace, Series, BandSeries, AxisOptions } from './figures';
export { setupNotebook, show, table, markdown, progress } from './notebook';
export type { NotebookContext } from './notebook';
