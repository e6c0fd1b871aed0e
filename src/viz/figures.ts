/**
 * Plotly figure builders: plain `{ data, layout }` objects (plotly.js 3 schema), rendered by
 * `show(figure)` in notebooks. They only shape data; any trace plotly knows can be added by hand.
 */
export type Trace = Record<string, unknown>;
export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
}

export interface AxisOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  logX?: boolean;
  logY?: boolean;
  height?: number;
  width?: number;
}

/** A series of points for `lineFigure`. */
export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  mode?: 'lines' | 'markers' | 'lines+markers';
  dash?: 'solid' | 'dash' | 'dot';
}

/** A mean curve with a ±spread band (e.g. one standard deviation over seeds). */
export interface BandSeries {
  name: string;
  x: ArrayLike<number>;
  mean: ArrayLike<number>;
  spread: ArrayLike<number>;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** Line plot of several series sharing axes. */
export function lineFigure(series: Series[], options: AxisOptions = {}): Figure {
  return {
    data: series.map((s, k) => ({
      type: 'scatter',
      mode: s.mode ?? 'lines',
      name: s.name,
      x: Array.from(s.x),
      y: Array.from(s.y),
      line: { color: PALETTE[k % PALETTE.length], dash: s.dash ?? 'solid' },
    })),
    layout: baseLayout(options),
  };
}

/** Mean curves with a shaded band of ±spread around each, one colour per series. */
export function bandFigure(series: BandSeries[], options: AxisOptions = {}): Figure {
  const data: Trace[] = [];
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const x = Array.from(s.x);
    const upper = x.map((_, i) => s.mean[i] + s.spread[i]);
    const lower = x.map((_, i) => s.mean[i] - s.spread[i]);
    data.push({
      type: 'scatter',
      mode: 'lines',
      x: [...x, ...x.slice().reverse()],
      y: [...upper, ...lower.reverse()],
      fill: 'toself',
      fillcolor: hexToRgba(color, 0.18),
      line: { width: 0 },
      hoverinfo: 'skip',
      showlegend: false,
      legendgroup: s.name,
    });
    data.push({ type: 'scatter', mode: 'lines', name: s.name, x, y: Array.from(s.mean), line: { color }, legendgroup: s.name });
  });
  return { data, layout: baseLayout(options) };
}

/** Heatmap of a matrix given as rows (`z[row][column]`), first row drawn at the top. */
export function heatmapFigure(
  z: ArrayLike<number>[],
  options: AxisOptions & { colorscale?: string; zmin?: number; zmax?: number; showScale?: boolean } = {},
): Figure {
  return {
    data: [
      {
        type: 'heatmap',
        z: z.map((row) => Array.from(row)),
        colorscale: options.colorscale ?? 'Viridis',
        zmin: options.zmin,
        zmax: options.zmax,
        showscale: options.showScale ?? true,
      },
    ],
    layout: { ...baseLayout(options), yaxis: { ...axis(options.yTitle, false), autorange: 'reversed' } },
  };
}

/** Panels side by side in one figure (heatmaps, lines…): each panel's traces get their own axes. */
export function panelsFigure(panels: { title: string; figure: Figure }[], options: AxisOptions & { columns?: number } = {}): Figure {
  const columns = options.columns ?? panels.length;
  const rows = Math.ceil(panels.length / columns);
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    ...baseLayout(options),
    grid: { rows, columns, pattern: 'independent' },
    annotations: [] as Record<string, unknown>[],
  };
  panels.forEach((panel, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    for (const trace of panel.figure.data) {
      data.push({ ...trace, xaxis: `x${suffix}`, yaxis: `y${suffix}`, showscale: k === panels.length - 1 ? trace.showscale : false });
    }
    const panelY = panel.figure.layout.yaxis as Record<string, unknown> | undefined;
    layout[`xaxis${suffix}`] = { ...(panel.figure.layout.xaxis as object) };
    layout[`yaxis${suffix}`] = { ...(panelY ?? {}) };
    (layout.annotations as Record<string, unknown>[]).push({
      text: panel.title,
      showarrow: false,
      xref: `x${suffix} domain`,
      yref: `y${suffix} domain`,
      x: 0.5,
      y: 1,
      xanchor: 'center',
      yanchor: 'bottom',
      yshift: 4,
    });
  });
  return { data, layout };
}

/** Filled contour of z over a grid (`z[iy][ix]` at (x[ix], y[iy])). */
export function contourFigure(x: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number>[], options: AxisOptions & { colorscale?: string } = {}): Figure {
  return {
    data: [{ type: 'contour', x: Array.from(x), y: Array.from(y), z: z.map((row) => Array.from(row)), colorscale: options.colorscale ?? 'Viridis', ncontours: 30 }],
    layout: baseLayout(options),
  };
}

/** 3-D surface of z over a grid (`z[iy][ix]` at (x[ix], y[iy])). */
export function surfaceFigure(x: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number>[], options: AxisOptions & { zTitle?: string } = {}): Figure {
  return {
    data: [{ type: 'surface', x: Array.from(x), y: Array.from(y), z: z.map((row) => Array.from(row)), colorscale: 'Viridis', showscale: false }],
    layout: {
      ...baseLayout(options),
      scene: { xaxis: { title: { text: options.xTitle ?? '' } }, yaxis: { title: { text: options.yTitle ?? '' } }, zaxis: { title: { text: options.zTitle ?? '' } } },
    },
  };
}

/** Grouped bars: one bar group per category, one colour per series. */
export function barFigure(categories: string[], series: { name: string; y: ArrayLike<number>; error?: ArrayLike<number> }[], options: AxisOptions = {}): Figure {
  return {
    data: series.map((s, k) => ({
      type: 'bar',
      name: s.name,
      x: categories,
      y: Array.from(s.y),
      error_y: s.error ? { type: 'data', array: Array.from(s.error), visible: true } : undefined,
      marker: { color: PALETTE[k % PALETTE.length] },
    })),
    layout: { ...baseLayout(options), barmode: 'group' },
  };
}

/** One estimate with its interval for `intervalFigure`. */
export interface Interval {
  label: string;
  estimate: number;
  low: number;
  high: number;
}

/**
 * Estimates with their intervals as points with error bars, one row per label (top to bottom in
 * the given order), grouped by colour per series, and a vertical line at `reference` (default 0):
 * e.g. paired differences against a baseline with their confidence intervals.
 */
export function intervalFigure(series: { name: string; intervals: Interval[] }[], options: AxisOptions & { reference?: number } = {}): Figure {
  const labels = [...new Set(series.flatMap((s) => s.intervals.map((i) => i.label)))];
  const data: Trace[] = series.map((s, k) => ({
    type: 'scatter',
    mode: 'markers',
    name: s.name,
    x: s.intervals.map((i) => i.estimate),
    y: s.intervals.map((i) => i.label),
    error_x: { type: 'data', symmetric: false, array: s.intervals.map((i) => i.high - i.estimate), arrayminus: s.intervals.map((i) => i.estimate - i.low), visible: true },
    marker: { color: PALETTE[k % PALETTE.length], size: 8 },
  }));
  const layout = baseLayout({ height: Math.max(260, 80 + 28 * labels.length), ...options });
  const reference = options.reference ?? 0;
  return {
    data,
    layout: {
      ...layout,
      yaxis: { ...(layout.yaxis as object), type: 'category', categoryorder: 'array', categoryarray: [...labels].reverse(), automargin: true },
      shapes: [{ type: 'line', xref: 'x', yref: 'paper', x0: reference, x1: reference, y0: 0, y1: 1, line: { color: '#444', dash: 'dot', width: 1 } }],
    },
  };
}

/** Pixels between the bottom of the plot area and the legend: room for tick labels and the x-axis title. */
const LEGEND_OFFSET_PX = 64;

function baseLayout(options: AxisOptions): Record<string, unknown> {
  const height = options.height ?? 420;
  const margin = { l: 60, r: 20, t: options.title ? 70 : 30, b: 50 };
  return {
    title: options.title ? { text: options.title } : undefined,
    xaxis: { ...axis(options.xTitle, options.logX) },
    yaxis: { ...axis(options.yTitle, options.logY) },
    height,
    width: options.width,
    margin,
    // Below the plot (plotly grows the bottom margin to fit): a legend of several rows above the plot
    // would run into the title. Its position is in units of the plot area's height.
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: -LEGEND_OFFSET_PX / (height - margin.t - margin.b), yanchor: 'top' },
  };
}

function axis(title: string | undefined, log: boolean | undefined): Record<string, unknown> {
  return { title: { text: title ?? '' }, type: log ? 'log' : 'linear' };
}

function hexToRgba(hex: string, alpha: number): string {
  const v = parseInt(hex.slice(1), 16);
  return `rgba(${(v >> 16) & 255}, ${(v >> 8) & 255}, ${v & 255}, ${alpha})`;
}
