/// <reference lib="dom" />
/**
 * The playground in a real browser: built into a temporary folder, served on localhost, opened in
 * headless Chromium (Debian's `chromium`, driven by puppeteer-core).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Browser, Page } from 'puppeteer-core';
import { initBackend, makeRelaxation } from '../../src/index';
import { probeScores } from '../../src/explore/index';
import { buildPlayground } from '../../playground/tooling/build';
import { servePlayground, type PlaygroundServer } from '../../playground/tooling/serve';
import { findChromium, launchChromium } from '../../playground/tooling/browser';

const SCORES = [0.5, -1.2, 2.0, 0.1, -0.4];
const chromium = findChromium();
let dir: string;
let server: PlaygroundServer;
let browser: Browser;

before(async () => {
  if (!chromium) return;
  await initBackend('wasm');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-playground-'));
  await buildPlayground(dir);
  server = await servePlayground(dir);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface OpenPage {
  page: Page;
  /** Console errors, page errors, failed requests and requests that left localhost. */
  problems: string[];
}

async function open(query = ''): Promise<OpenPage> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${(error as Error).message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) problems.push(`request outside the served folder: ${request.url()}`);
  });
  await page.goto(`${server.url}${query}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await idle(page, 0);
  return { page, problems };
}

/** Waits until the page has redrawn more than `redraws` times and has nothing pending. */
async function idle(page: Page, redraws: number): Promise<void> {
  await page.waitForFunction(
    (count) => (document.getElementById('error') as HTMLElement).hidden === false || (document.body.dataset.state === 'idle' && Number(document.body.dataset.redraws ?? 0) > count),
    { timeout: 120_000 },
    redraws,
  );
  const error = await page.$eval('#error', (element) => ((element as HTMLElement).hidden ? '' : element.textContent));
  assert.equal(error, '', 'the page shows an error');
}

const redrawCount = (page: Page): Promise<number> => page.evaluate(() => Number(document.body.dataset.redraws ?? 0));

/** Sets a control's value and fires the event the page listens to, then waits for the redraw. */
async function setControl(page: Page, id: string, value: string, event: 'input' | 'change'): Promise<void> {
  const count = await redrawCount(page);
  await page.$eval(`#${id}`, (element, v, e) => {
    (element as HTMLInputElement).value = v;
    element.dispatchEvent(new Event(e, { bubbles: true }));
  }, value, event);
  await idle(page, count);
}

async function setScores(page: Page, scores: number[]): Promise<void> {
  for (const [i, value] of scores.entries()) await setControl(page, `score-${i}`, String(value), 'input');
}

const shownPermutation = (page: Page): Promise<number[][]> =>
  page.$eval('#permutation-plot', (element) => (element as unknown as { data: { z: number[][] }[] }).data[0].z);

const shownTrace = (page: Page, plot: string, prefix: string): Promise<number[]> =>
  page.$eval(`#${plot}`, (element, p) => {
    const trace = (element as unknown as { data: { name: string; y: number[] }[] }).data.find((t) => t.name.startsWith(p));
    if (!trace) throw new Error(`no trace named ${p}…`);
    return trace.y;
  }, prefix);

function nodePermutation(name: 'neuralsort' | 'cauchy', params: { tau?: number; steepness?: number }): number[][] {
  return tf.tidy(() => (makeRelaxation(name, params)(tf.tensor2d([SCORES])).arraySync() as number[][][])[0]);
}

const maxDifference = (a: number[][], b: number[][]): number => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]))));

const skip = chromium ? false : 'no Chromium installed (apt-get install chromium)';
let shared: OpenPage | undefined;
/** The page on the best backend this browser has, shared by the tests below (one load). */
async function bestBackendPage(): Promise<OpenPage> {
  shared ??= await open();
  return shared;
}

/** Checks the permutation shown for SCORES under NeuralSort and the Cauchy network against Node. */
async function assertPermutationsMatchNode(page: Page, backend: string): Promise<void> {
  await setControl(page, 'relaxation', 'neuralsort', 'change');
  await setScores(page, SCORES);
  const neuralSort = maxDifference(await shownPermutation(page), nodePermutation('neuralsort', { tau: 1 }));
  assert.ok(neuralSort < 1e-5, `NeuralSort on ${backend}: max |P_page − P_node| = ${neuralSort}`);
  await setControl(page, 'relaxation', 'cauchy', 'change');
  const cauchy = maxDifference(await shownPermutation(page), nodePermutation('cauchy', { steepness: 10 }));
  assert.ok(cauchy < 1e-5, `Cauchy network on ${backend}: max |P_page − P_node| = ${cauchy}`);
  await setControl(page, 'relaxation', 'neuralsort', 'change');
}

test('the page loads on the best backend without console errors or outside requests; the relaxed permutation equals the library in Node to 1e-5', { skip, timeout: 300_000 }, async () => {
  const { page, problems } = await bestBackendPage();
  const backend = await page.$eval('#backend', (element) => element.textContent ?? '');
  assert.match(backend, /^tfjs backend: (webgl|wasm|cpu) /, backend);
  await assertPermutationsMatchNode(page, backend);
  assert.deepEqual(problems, []);
});

test('on webgl (forced; software-drawn here) the relaxed permutation equals the library in Node to 1e-5', { skip, timeout: 300_000 }, async () => {
  const { page, problems } = await open('?backend=webgl');
  const backend = await page.$eval('#backend', (element) => element.textContent ?? '');
  assert.match(backend, /^tfjs backend: webgl /, backend);
  await assertPermutationsMatchNode(page, backend);
  assert.deepEqual(problems, []);
  await page.close();
});

test('moving the λ slider changes the Newton steps to what the library computes in Node', { skip, timeout: 300_000 }, async () => {
  const { page, problems } = await bestBackendPage();
  await setScores(page, SCORES);
  await setControl(page, 'lambda', '-1', 'input'); // the λ slider moves log10 λ
  const before = await shownTrace(page, 'steps-plot', 'Hessian step');
  await setControl(page, 'lambda', '0', 'input');
  const hessian = await shownTrace(page, 'steps-plot', 'Hessian step');
  const fisher = await shownTrace(page, 'steps-plot', 'Fisher step');
  const expected = probeScores(makeRelaxation('neuralsort', { tau: 1 }), SCORES, { lambda: 1 });
  const change = Math.max(...hessian.map((v, i) => Math.abs(v - before[i])));
  assert.ok(change > 1e-2, `the Hessian step moved by ${change} only`);
  const error = (shown: number[], node: number[]): number => Math.max(...shown.map((v, i) => Math.abs(v - node[i]))) / Math.max(...node.map(Math.abs));
  assert.ok(error(hessian, expected.newton.hessian.step) < 1e-3, `Hessian step ${hessian} vs Node ${expected.newton.hessian.step}`);
  assert.ok(error(fisher, expected.newton.fisher.step) < 1e-3, `Fisher step ${fisher} vs Node ${expected.newton.fisher.step}`);
  await setControl(page, 'lambda', '-1', 'input');
  assert.deepEqual(problems, []);
});

test("the training demo's losses go down while it runs, and it stops when asked", { skip, timeout: 300_000 }, async () => {
  const { page, problems } = await bestBackendPage();
  await page.click('#train-start');
  await page.waitForFunction(() => {
    const data = (document.getElementById('training-plot') as unknown as { data?: { x: number[] }[] }).data;
    return data !== undefined && data.length === 3 && data[0].x.length >= 6;
  }, { timeout: 240_000 });
  await page.click('#train-stop');
  const status = await page.$eval('#training-status', (element) => element.textContent ?? '');
  assert.match(status, /^stopped after \d+ steps; test sets: baseline: exact match/);
  const curves = await page.$eval('#training-plot', (element) => (element as unknown as { data: { name: string; y: number[] }[] }).data.map((t) => ({ name: t.name, y: t.y })));
  assert.deepEqual(curves.map((c) => c.name.split(' ')[0]), ['baseline', 'hessian', 'fisher']);
  for (const curve of curves) {
    assert.ok(curve.y[curve.y.length - 1] < 0.8 * curve.y[0], `${curve.name}: ${curve.y.map((v) => v.toFixed(3)).join(', ')}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const stillDrawn = await page.$eval('#training-plot', (element) => (element as unknown as { data: { x: number[] }[] }).data[0].x.length);
  assert.equal(stillDrawn, curves[0].y.length, 'no step after stop');
  assert.equal(await page.$eval('#train-start', (element) => (element as HTMLButtonElement).disabled), false);
  assert.deepEqual(problems, []);
});
