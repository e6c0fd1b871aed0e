/// <reference lib="dom" />
/**
 * A screenshot of the built playground for the README: the page on its best backend after the
 * training demo has run to the end.
 */
import { launchChromium } from './browser';
import { servePlayground } from './serve';

/**
 * @param dir a folder written by `buildPlayground`.
 * @param file the PNG to write.
 */
export async function screenshotPlayground(dir: string, file: string): Promise<void> {
  const server = await servePlayground(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    await page.goto(server.url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    const ready = (): Promise<unknown> => page.waitForFunction(() => document.body.dataset.state === 'idle' && document.body.dataset.redraws !== undefined, { timeout: 300_000 });
    await ready();
    await page.click('#train-start');
    await page.waitForFunction(() => (document.getElementById('training-status')?.textContent ?? '').startsWith('finished'), { timeout: 600_000 });
    const error = await page.$eval('#error', (element) => ((element as HTMLElement).hidden ? '' : element.textContent));
    if (error) throw new Error(`screenshotPlayground: the page shows ${error}`);
    // The whole page in one viewport (a full-page capture would paint the sticky settings bar mid-page).
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewport({ width: 1200, height });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // plotly resizes its figures to the new viewport
    await page.screenshot({ path: file as `${string}.png` });
  } finally {
    await browser.close();
    await server.close();
  }
}
