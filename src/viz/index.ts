export { lineFigure, bandFigure, heatmapFigure, panelsFigure, contourFigure, surfaceFigure, barFigure, intervalFigure, colorFor, styleFor, variantOf, finishLayout, VARIANT_COLORS } from './figures';
export type { Figure, Trace, Series, BandSeries, AxisOptions, Interval } from './figures';
export { sliderFigure } from './slider-figure';
export { gridRows, pathMarkers, probabilityHeatmap, rgbImageFigure } from './grid-maps';
