/**
 * Plotly figure builders: plain `{ data, layout }` objects (plotly.js 3 schema), rendered by
 * `show(figure)` in notebooks. They only shape data; any trace plotly knows can be added by hand.
 *
 * Conventions shared by every builder:
 * - a series is coloured by its name (`colorFor`): the variants baseline / hessian / fisher and the
 *   relaxations keep one colour in every notebook and in the CLI's plots; curves also get an open
 *   marker symbol per name (`styleFor`), and curves drawn earlier are wider with larger markers, so
 *   curves that coincide stay visible; variants of one method in a figure ('hessian λ=0.1',
 *   'hessian λ=1') get shades of its colour, and 'name: detail' series share the style of 'name';
 * - log axes tick at powers of ten (few of them, written as powers; over less than two decades at
 *   1, 2 and 5 times a power of ten); axes whose data are small integers tick at integers;
 * - every axis has the title it was given; `xRange` / `yRange` set a range without dropping it;
 * - bands of a bounded metric are clipped to `bounds` (e.g. accuracies to [0, 1]).
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
  xRange?: [number, number];
  yRange?: [number, number];
  height?: number;
  width?: number;
}

/** A series of points for `lineFigure`. */
export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  mode?: 'lines' | 'markers' | 'lines+markers';
  dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
  /** A colour other than the name's (`colorFor`). */
  color?: string;
}

/** A mean curve with a ±spread band (e.g. one standard deviation over seeds). */
export interface BandSeries {
  name: string;
  x: ArrayLike<number>;
  mean: ArrayLike<number>;
  spread: ArrayLike<number>;
}

/** The colours of the three variants of a loss: the same in every figure. */
export const VARIANT_COLORS: Readonly<Record<'baseline' | 'hessian' | 'fisher', string>> = {
  baseline: '#1f77b4',
  hessian: '#d62728',
  fisher: '#2ca02c',
};

/** Colours of named things other than the variants (relaxations, sigmoids, shortest-path methods). */
const NAMED_COLORS: Readonly<Record<string, string>> = {
  neuralsort: '#9467bd',
  softsort: '#8c564b',
  logistic: '#ff7f0e',
  logistic_phi: '#e377c2',
  cauchy: '#17becf',
  reciprocal: '#bcbd22',
  gaussian: '#7f7f7f',
  optimal: '#393b79',
  'perturbed-fy': '#ff7f0e',
  'rbf-for-l1': '#9467bd',
  'rbf-for-l2': '#8c564b',
  'rbf-while-l1': '#e377c2',
  'rbf-while-l2': '#bcbd22',
  'ss-loss': '#17becf',
  'ss-algorithm': '#7f7f7f',
};

/** Colours for other names, picked by a hash of the name (none of them a variant's colour). */
const OTHER_COLORS = ['#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#393b79', '#e7969c', '#e7ba52'];

const VARIANT_SYMBOLS: Readonly<Record<keyof typeof VARIANT_COLORS, string>> = { baseline: 'circle-open', hessian: 'square-open', fisher: 'diamond-open' };
const OTHER_SYMBOLS = ['triangle-up-open', 'x-thin-open', 'cross-thin-open', 'triangle-down-open', 'star-open', 'hexagon-open', 'pentagon-open', 'asterisk-open'];

/** The variant a series name refers to ('hessian λ=0.1', 'NL-Fisher', 'baseline: ‖∇L‖'), if any. */
export function variantOf(name: string): keyof typeof VARIANT_COLORS | undefined {
  const lower = name.toLowerCase();
  for (const variant of ['hessian', 'fisher', 'baseline'] as const) if (lower.includes(variant)) return variant;
  return undefined;
}

function namedKey(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower in NAMED_COLORS) return lower;
  const tokens = lower.split(/[^a-z0-9_-]+/).filter(Boolean);
  return tokens.find((token) => token in NAMED_COLORS);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/**
 * The colour of a series by its name, the same in every figure: the variant it names (baseline
 * blue, hessian red, fisher green), else a relaxation or shortest-path method it names, else a
 * colour picked by a hash of the name.
 */
export function colorFor(name: string): string {
  const variant = variantOf(name);
  if (variant) return VARIANT_COLORS[variant];
  const key = namedKey(name);
  if (key) return NAMED_COLORS[key];
  return OTHER_COLORS[hash(name) % OTHER_COLORS.length];
}

/** Colour and (open) marker symbol of a series by its name. */
export function styleFor(name: string): { color: string; symbol: string } {
  const variant = variantOf(name);
  if (variant) return { color: VARIANT_COLORS[variant], symbol: VARIANT_SYMBOLS[variant] };
  return { color: colorFor(name), symbol: OTHER_SYMBOLS[hash(name) % OTHER_SYMBOLS.length] };
}

/** The group of a series: its name up to ': ' ('hessian λ=0.1: ‖∇L*‖' → 'hessian λ=0.1'). */
function groupOf(name: string): string {
  const at = name.indexOf(': ');
  return at > 0 ? name.slice(0, at) : name;
}

/** Shades for groups that share a colour in one figure: the colour itself, then darker and lighter. */
const SHADES = [0, -0.4, 0.45, -0.65, 0.65];

function shade(hex: string, n: number): string {
  const t = SHADES[n % SHADES.length];
  if (t === 0) return hex;
  const v = parseInt(hex.slice(1), 16);
  const mix = (c: number): number => Math.round(t < 0 ? c * (1 + t) : c + (255 - c) * t);
  return `#${[(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => mix(c).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Styles for the series of one figure. Series are grouped by their name up to ': ', so a pair such
 * as 'fisher: ‖∇L‖' and 'fisher: ‖∇L*‖' shares its colour and marker (the caller tells them apart by
 * `dash`). Each group gets `styleFor`'s colour; groups that share it (e.g. 'hessian λ=0.1' and
 * 'hessian λ=1') get darker and lighter shades of it; names the palette does not know that hash to
 * the same colour get different colours. Lines are solid unless the caller sets a dash.
 */
function figureStyles(series: { name: string; dash?: string; color?: string }[]): { color: string; symbol: string; dash: string }[] {
  const groups = series.map((s) => groupOf(s.name));
  const known = groups.map((group) => (variantOf(group) || namedKey(group) ? colorFor(group) : undefined));
  const used = new Set<string>(known.filter((c): c is string => c !== undefined));
  const colorOfGroup = new Map<string, string>();
  const groupsOfColor = new Map<string, number>();
  return series.map((s, k) => {
    const group = groups[k];
    const style = styleFor(group);
    let color = colorOfGroup.get(group);
    if (!color) {
      let base = known[k];
      if (!base) {
        base = style.color;
        for (let step = 0; used.has(base) && step < OTHER_COLORS.length; step++) base = OTHER_COLORS[(hash(group) + step + 1) % OTHER_COLORS.length];
        used.add(base);
      }
      const n = groupsOfColor.get(base) ?? 0;
      groupsOfColor.set(base, n + 1);
      color = shade(base, n);
      colorOfGroup.set(group, color);
    }
    return { color: s.color ?? color, symbol: style.symbol, dash: s.dash ?? 'solid' };
  });
}

/** Markers on a curve: open symbols, at most this many per curve, so lines stay lines. */
const MARKERS_PER_CURVE = 16;

/**
 * Curves that coincide stay visible: series drawn earlier get wider lines and larger (open) markers,
 * so a curve drawn on top of another leaves the one below showing on both sides.
 */
function layer(k: number, count: number): { width: number; size: number } {
  const below = count > 1 ? (count - 1 - k) / (count - 1) : 0;
  return { width: 1.8 + 2.2 * below, size: 7 + 5 * below };
}

function markerFor(style: { color: string; symbol: string }, points: number, size: number): Record<string, unknown> {
  return { color: style.color, symbol: style.symbol, size, line: { width: 1.5, color: style.color }, maxdisplayed: points > MARKERS_PER_CURVE ? MARKERS_PER_CURVE : 0 };
}

/** Line plot of several series sharing axes. */
export function lineFigure(series: Series[], options: AxisOptions = {}): Figure {
  const styles = figureStyles(series);
  const figure: Figure = {
    data: series.map((s, k) => ({
      type: 'scatter',
      mode: s.mode ?? (s.x.length > 1 ? 'lines+markers' : 'markers'),
      name: s.name,
      x: Array.from(s.x),
      y: Array.from(s.y),
      line: { color: styles[k].color, dash: styles[k].dash, width: layer(k, series.length).width },
      marker: markerFor(styles[k], s.x.length, layer(k, series.length).size),
      legendgroup: s.name,
    })),
    layout: baseLayout(options),
  };
  return withTicks(figure);
}

/**
 * Mean curves with a shaded band of ±spread around each, coloured by name. `bounds` clips the band
 * to the metric's range (accuracies: [0, 1]); the mean is drawn as it is.
 */
export function bandFigure(series: BandSeries[], options: AxisOptions & { bounds?: [number, number] } = {}): Figure {
  const data: Trace[] = [];
  const styles = figureStyles(series);
  const [low, high] = options.bounds ?? [-Infinity, Infinity];
  const clip = (v: number): number => Math.min(high, Math.max(low, v));
  series.forEach((s, k) => {
    const { color } = styles[k];
    const x = Array.from(s.x);
    const upper = x.map((_, i) => clip(s.mean[i] + s.spread[i]));
    const lower = x.map((_, i) => clip(s.mean[i] - s.spread[i]));
    data.push({
      type: 'scatter',
      mode: 'lines',
      x: [...x, ...x.slice().reverse()],
      y: [...upper, ...lower.reverse()],
      fill: 'toself',
      fillcolor: toRgba(color, 0.16),
      line: { width: 0 },
      hoverinfo: 'skip',
      showlegend: false,
      legendgroup: s.name,
      name: `${s.name} ± spread`,
    });
    data.push({
      type: 'scatter',
      mode: x.length > 1 ? 'lines+markers' : 'markers',
      name: s.name,
      x,
      y: Array.from(s.mean),
      line: { color, dash: styles[k].dash, width: layer(k, series.length).width },
      marker: markerFor(styles[k], x.length, layer(k, series.length).size),
      legendgroup: s.name,
    });
  });
  return withTicks({ data, layout: baseLayout(options) });
}

/**
 * Heatmap of a matrix given as rows (`z[row][column]`), first row drawn at the top; `zTitle` titles
 * its colour bar; `reverseScale` flips the colour scale (e.g. 'Blues': dark for high values).
 */
export function heatmapFigure(
  z: ArrayLike<number>[],
  options: AxisOptions & { colorscale?: string; zmin?: number; zmax?: number; showScale?: boolean; zTitle?: string; reverseScale?: boolean } = {},
): Figure {
  const layout = baseLayout(options);
  return {
    data: [
      {
        type: 'heatmap',
        z: z.map((row) => Array.from(row)),
        colorscale: options.colorscale ?? 'Viridis',
        reversescale: options.reverseScale ?? false,
        zmin: options.zmin,
        zmax: options.zmax,
        showscale: options.showScale ?? true,
        colorbar: options.zTitle ? { title: { text: options.zTitle, side: 'right' } } : undefined,
      },
    ],
    layout: {
      ...layout,
      // Cell indices are integers: tick at integers.
      xaxis: { ...(layout.xaxis as object), ...integerTicks([0, Math.max(0, (z[0]?.length ?? 1) - 1)]) },
      yaxis: { ...(layout.yaxis as object), ...integerTicks([0, Math.max(0, z.length - 1)]), autorange: 'reversed' },
    },
  };
}

/**
 * Panels in a grid in one figure (heatmaps, lines…): each panel's traces get their own axes, with
 * the titles and ranges of the panel's figure. `sharedLegend` (default true): one legend entry per
 * series name (series are coloured by name, so a repeated entry says nothing new); false keeps every
 * panel's entries. `colorBars`: 'last' (default)
 * shows one colour bar, the last panel's (panels that share a colour scale); 'each' one beside
 * every panel that has one (panels with their own scales).
 */
export function panelsFigure(
  panels: { title: string; figure: Figure }[],
  options: AxisOptions & { columns?: number; sharedLegend?: boolean; colorBars?: 'last' | 'each' } = {},
): Figure {
  const columns = options.columns ?? panels.length;
  const rows = Math.ceil(panels.length / columns);
  const each = options.colorBars === 'each';
  // Plotly's grid: a cell is 1 / (n − gap) wide (tall) with gaps of `gap` cells between them.
  const [xgap, ygap] = [each ? 0.3 : 0.2, 0.3];
  const cellDomain = (index: number, count: number, gap: number): [number, number] => {
    const step = 1 / (count - gap);
    return [index * step, index * step + step * (1 - gap)];
  };
  const data: Trace[] = [];
  const base = baseLayout(options);
  const layout: Record<string, unknown> = {
    ...base,
    // Room above the top row for its panel titles, clear of the figure title and the mode bar.
    margin: { ...(base.margin as object), t: options.title ? 90 : 60 },
    grid: { rows, columns, pattern: 'independent', xgap, ygap },
    annotations: [] as Record<string, unknown>[],
  };
  const lastScale = panels.map((p) => p.figure.data.some((t) => t.showscale === true)).lastIndexOf(true);
  const named = new Set<string>();
  panels.forEach((panel, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    for (const trace of panel.figure.data) {
      const copy: Trace = { ...trace, xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      if ('showscale' in trace) copy.showscale = each || k === lastScale ? trace.showscale : false;
      if (each && trace.showscale) {
        const [, x1] = cellDomain(k % columns, columns, xgap);
        const [y0, y1] = cellDomain(rows - 1 - Math.floor(k / columns), rows, ygap);
        copy.colorbar = { ...(trace.colorbar as object), x: x1 + 0.01, xanchor: 'left', y: (y0 + y1) / 2, yanchor: 'middle', len: y1 - y0, thickness: 10 };
      }
      if (options.sharedLegend !== false && trace.showlegend !== false && typeof trace.name === 'string') {
        if (named.has(trace.name)) copy.showlegend = false;
        named.add(trace.name);
      }
      data.push(copy);
    }
    layout[`xaxis${suffix}`] = { ...(panel.figure.layout.xaxis as object) };
    layout[`yaxis${suffix}`] = { ...(panel.figure.layout.yaxis as object) };
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

/** Filled contour of z over a grid (`z[iy][ix]` at (x[ix], y[iy])); `zTitle` titles its colour bar. */
export function contourFigure(x: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number>[], options: AxisOptions & { colorscale?: string; zTitle?: string } = {}): Figure {
  return withTicks({
    data: [
      {
        type: 'contour',
        x: Array.from(x),
        y: Array.from(y),
        z: z.map((row) => Array.from(row)),
        colorscale: options.colorscale ?? 'Viridis',
        ncontours: 30,
        colorbar: options.zTitle ? { title: { text: options.zTitle, side: 'right' } } : undefined,
      },
    ],
    layout: baseLayout(options),
  });
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

/** Grouped bars: one bar group per category, one colour per series (by name). */
export function barFigure(categories: string[], series: { name: string; y: ArrayLike<number>; error?: ArrayLike<number> }[], options: AxisOptions = {}): Figure {
  const styles = figureStyles(series);
  return {
    data: series.map((s, k) => ({
      type: 'bar',
      name: s.name,
      x: categories,
      y: Array.from(s.y),
      error_y: s.error ? { type: 'data', array: Array.from(s.error), visible: true } : undefined,
      marker: { color: styles[k].color },
    })),
    layout: withCategoryAxis(baseLayout(options)),
  };
}

/** The x axis of named categories: plotly would draw them on the linear axis of `baseLayout`, empty. */
function withCategoryAxis(layout: Record<string, unknown>): Record<string, unknown> {
  return { ...layout, barmode: 'group', xaxis: { ...(layout.xaxis as object), type: 'category' } };
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
  const styles = figureStyles(series);
  const data: Trace[] = series.map((s, k) => ({
    type: 'scatter',
    mode: 'markers',
    name: s.name,
    x: s.intervals.map((i) => i.estimate),
    y: s.intervals.map((i) => i.label),
    error_x: { type: 'data', symmetric: false, array: s.intervals.map((i) => i.high - i.estimate), arrayminus: s.intervals.map((i) => i.estimate - i.low), visible: true, color: styles[k].color },
    marker: { color: styles[k].color, size: 8 },
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
    // Left-aligned: the mode bar (top right) stays clear of it.
    title: options.title ? { text: options.title, x: 0, xref: 'paper', xanchor: 'left' } : undefined,
    xaxis: axis(options.xTitle, options.logX, options.xRange),
    yaxis: axis(options.yTitle, options.logY, options.yRange),
    height,
    width: options.width,
    margin,
    legend: legendBelow(height, margin),
  };
}

/**
 * The legend below the plot area, clear of the x-axis title (plotly grows the bottom margin to fit);
 * a legend of several rows above the plot would run into the title. Its position is in units of the
 * plot area's height, so it is computed again by `finishLayout` when a notebook changes the height
 * or the margins.
 */
function legendBelow(height: number, margin: { t: number; b: number }): Record<string, unknown> {
  return { orientation: 'h', x: 0, xanchor: 'left', y: -LEGEND_OFFSET_PX / Math.max(50, height - margin.t - margin.b), yanchor: 'top' };
}

function axis(title: string | undefined, log: boolean | undefined, range: [number, number] | undefined): Record<string, unknown> {
  const spec: Record<string, unknown> = { title: { text: title ?? '' }, type: log ? 'log' : 'linear' };
  if (range) spec.range = log ? range.map(Math.log10) : [...range];
  if (log) Object.assign(spec, { exponentformat: 'power', showexponent: 'all', minor: { showgrid: false, ticks: '' } });
  return spec;
}

/**
 * Ticks from the data on the axes of a figure's x/y traces: a log axis that spans at least two
 * decades ticks at powers of ten only (every k-th for at most about 6 labels), a narrower one at 1, 2
 * and 5 times powers of ten; a linear axis whose
 * values are all integers over a small span ticks at integers.
 */
function withTicks(figure: Figure): Figure {
  for (const letter of ['x', 'y'] as const) {
    const spec = figure.layout[`${letter}axis`] as Record<string, unknown>;
    const values: number[] = [];
    for (const trace of figure.data) {
      const column = trace[letter];
      if (Array.isArray(column)) for (const v of column) if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
    }
    if (values.length === 0) continue;
    Object.assign(spec, spec.type === 'log' ? logTicks(values) : integerTicks(values));
  }
  return figure;
}

function logTicks(values: number[]): Record<string, unknown> {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (v <= 0) continue;
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  if (!(high > low)) return {};
  const decades = Math.floor(Math.log10(high)) - Math.ceil(Math.log10(low));
  if (decades >= 2) return { dtick: Math.max(1, Math.ceil(decades / 6)), tick0: 0 };
  // Under three powers of ten in range: ticks at 1, 2 and 5 times a power of ten.
  const tickvals: number[] = [];
  for (let e = Math.floor(Math.log10(low)); e <= Math.ceil(Math.log10(high)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(1));
      if (v >= low * 0.999 && v <= high * 1.001) tickvals.push(v);
    }
  }
  return tickvals.length >= 2 ? { tickmode: 'array', tickvals } : {};
}

function integerTicks(values: number[]): Record<string, unknown> {
  if (!values.every(Number.isInteger)) return {};
  const span = Math.max(...values) - Math.min(...values);
  if (span > 20) return {};
  return { dtick: span <= 10 ? 1 : 2, tick0: 0, tickformat: 'd' };
}

/**
 * The layout as drawn: the legend placed again below the plot for the final height and margins
 * (notebooks may change them after a builder ran).
 */
export function finishLayout(layout: Record<string, unknown>): Record<string, unknown> {
  const height = Number(layout.height ?? 420);
  const margin = { t: 30, b: 50, ...(layout.margin as { t?: number; b?: number } | undefined) } as { t: number; b: number };
  const legend = layout.legend as Record<string, unknown> | undefined;
  if (!legend || legend.orientation !== 'h' || legend.yanchor !== 'top' || Number(legend.y) > 0) return layout;
  return { ...layout, legend: { ...legend, ...legendBelow(height, margin) } };
}

function toRgba(hex: string, alpha: number): string {
  const v = parseInt(hex.slice(1), 16);
  return `rgba(${(v >> 16) & 255}, ${(v >> 8) & 255}, ${v & 255}, ${alpha})`;
}
