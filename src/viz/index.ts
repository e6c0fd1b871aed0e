export { lineFigure, bandFigure, heatmapFigure, panelsFigure, contourFigure, surfaceFigure, barFigure, intervalFigure } from './figures';
export type { Figure, Trace, Series, BandSeries, AxisOptions, Interval } from './figures';
export { setupNotebook, show, table, markdown, progress } from './notebook';
export type { NotebookContext } from './notebook';
