/**
 * One figure per value of a parameter (e.g. λ), precomputed, behind a plotly slider: the reader
 * moves the slider and sees the figure for that value, in any front end and in the HTML export,
 * without a kernel. Built from figures of the other builders (`lineFigure`, `panelsFigure`, …).
 */
import type { Figure, Trace } from './figures';

/** Pixels the slider (its track and the current value above it) takes above the plot. */
const SLIDER_PX = 120;

/**
 * Frames `{ label, figure }` (e.g. label `0.01` for λ = 0.01) as one figure with a slider under
 * its title: every frame's traces are drawn, only those of the shown frame visible; the layout
 * (axes, panels, legend, size) is the first frame's, so frames should share their axes (give
 * them the same `xRange` / `yRange` to compare them). `prefix` names the value above the slider
 * (default 'λ = '); `active` (default 0) is the frame shown first. Throws on no frames or an
 * `active` outside them.
 */
export function sliderFigure(frames: { label: string; figure: Figure }[], options: { prefix?: string; active?: number } = {}): Figure {
  if (frames.length === 0) throw new Error('sliderFigure: frames must hold at least one { label, figure }, got none');
  const active = options.active ?? 0;
  if (!(Number.isInteger(active) && active >= 0 && active < frames.length)) {
    throw new Error(`sliderFigure: active must be a frame index in [0, ${frames.length - 1}], got ${active}`);
  }
  const owner: number[] = [];
  const data: Trace[] = frames.flatMap((frame, k) =>
    frame.figure.data.map((trace) => {
      owner.push(k);
      return { ...trace, visible: k === active };
    }),
  );
  const layout = frames[0].figure.layout;
  const margin = { l: 60, r: 20, t: 30, b: 50, ...(layout.margin as object) } as { t: number; b: number };
  const height = Number(layout.height ?? 420) + SLIDER_PX;
  const plotHeight = Math.max(50, height - margin.t - SLIDER_PX - margin.b);
  return {
    data,
    layout: {
      ...layout,
      height,
      margin: { ...margin, t: margin.t + SLIDER_PX },
      sliders: [
        {
          active,
          x: 0,
          len: 1,
          // Above the plot and its panel titles, below the figure title.
          y: 1 + 60 / plotHeight,
          yanchor: 'bottom',
          pad: { t: 0, b: 0 },
          // The value shown at the right end: the figure title keeps the left.
          currentvalue: { prefix: options.prefix ?? 'λ = ', visible: true, xanchor: 'right' },
          steps: frames.map((frame, k) => ({ label: frame.label, method: 'restyle', args: ['visible', owner.map((o) => o === k)] })),
        },
      ],
    },
  };
}
