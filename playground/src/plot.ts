/**
 * Drawing the library's plotly figures (`src/viz/figures`) into the page. Plotly itself is the
 * installed `plotly.min.js`, loaded by index.html before the page's bundle.
 */
import type { Figure } from '../../src/viz/figures';

interface PlotlyApi {
  react(element: HTMLElement, data: unknown[], layout: Record<string, unknown>, config?: Record<string, unknown>): Promise<unknown>;
}
declare const Plotly: PlotlyApi;

/** A plotly graph div: plotly keeps the drawn traces on it. */
export type GraphElement = HTMLElement & { data?: Record<string, unknown>[]; on?(event: string, handler: (event: unknown) => void): void };

/** Draws (or redraws in place) `figure` into `element`, sized to its container. */
export async function draw(element: GraphElement, figure: Figure, height = 360): Promise<void> {
  const layout = { ...figure.layout, height, width: undefined, autosize: true, margin: { l: 56, r: 24, t: 48, b: 48, ...(figure.layout.margin as object) } };
  await Plotly.react(element, figure.data, layout, { responsive: true, displaylogo: false });
}
