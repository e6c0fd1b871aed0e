/**
 * Values on an S × S grid (terrain maps, shortest paths: `[B, S, S]` read back row-major) as
 * heatmap rows and path markers, and heatmaps of values in [0, 1] (relaxed paths, relaxed
 * permutation matrices).
 */
import { heatmapFigure, type AxisOptions, type Figure, type Trace } from './figures';

/** Rows of grid `k` of a batch of S × S grids stored row-major (`values[k·S² + r·S + c]`): `rows[r][c]`. Throws when grid k is not in `values`. */
export function gridRows(values: ArrayLike<number>, side: number, k = 0): number[][] {
  if (!(Number.isInteger(side) && side >= 1)) throw new Error(`gridRows: side must be a positive integer, got ${side}`);
  if (!(Number.isInteger(k) && k >= 0 && (k + 1) * side * side <= values.length)) {
    throw new Error(`gridRows: grid k = ${k} is not in values (${values.length} numbers = ${values.length / (side * side)} grids of ${side} × ${side})`);
  }
  return Array.from({ length: side }, (_, r) => Array.from({ length: side }, (_, c) => values[k * side * side + r * side + c]));
}

/**
 * Markers on the cells of grid `k` of a batch of 0/1 paths (cells > 0.5), in heatmap coordinates
 * (x = column, y = row), to draw over `heatmapFigure(gridRows(…))`. Defaults: name 'true path',
 * white markers of size 7 with a black rim; no legend entry.
 */
export function pathMarkers(path: ArrayLike<number>, side: number, options: { k?: number; name?: string; color?: string; size?: number } = {}): Trace {
  const rows = gridRows(path, side, options.k ?? 0);
  const x: number[] = [];
  const y: number[] = [];
  rows.forEach((row, r) => row.forEach((value, c) => {
    if (value > 0.5) {
      x.push(c);
      y.push(r);
    }
  }));
  return {
    type: 'scatter',
    mode: 'markers',
    name: options.name ?? 'true path',
    x,
    y,
    showlegend: false,
    marker: { color: options.color ?? 'white', size: options.size ?? 7, line: { color: 'black', width: 1 } },
  };
}

/** Heatmap of values in [0, 1] given as rows: white = 0, dark blue = 1; `zTitle` titles the colour bar. */
export function probabilityHeatmap(rows: ArrayLike<number>[], options: AxisOptions & { zTitle?: string } = {}): Figure {
  return heatmapFigure(rows, { ...options, zmin: 0, zmax: 1, colorscale: 'Blues', reverseScale: true });
}

/** An RGB image `[S, S, 3]` (row-major, 0–255, e.g. `terrainMapImage`) as a figure, first row at the top. Throws when the pixel count is not S²·3. */
export function rgbImageFigure(pixels: ArrayLike<number>, side: number): Figure {
  if (!(Number.isInteger(side) && side >= 1) || pixels.length !== side * side * 3) {
    throw new Error(`rgbImageFigure: pixels must hold side² · 3 = ${side * side * 3} values for side ${side}, got ${pixels.length}`);
  }
  const z = Array.from({ length: side }, (_, r) => Array.from({ length: side }, (_, c) => Array.from({ length: 3 }, (_, channel) => pixels[(r * side + c) * 3 + channel])));
  return { data: [{ type: 'image', z }], layout: { yaxis: { autorange: 'reversed' } } };
}
