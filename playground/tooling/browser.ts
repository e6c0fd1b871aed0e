/**
 * Headless Chromium for the playground's browser test and screenshot: the system's browser
 * (Debian: `apt-get install chromium`) driven by puppeteer-core; nothing downloads a browser.
 */
import * as fs from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Where Chromium is looked for: `$CHROMIUM_PATH`, then the usual Debian / Ubuntu paths. */
export function chromiumCandidates(): string[] {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => Boolean(p));
}

/** The first installed candidate, or null. */
export function findChromium(): string | null {
  return chromiumCandidates().find((candidate) => fs.existsSync(candidate)) ?? null;
}

/** Starts headless Chromium (no sandbox: it runs as root in CI). @throws when none is installed, saying what to install. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error(`no Chromium found (looked at ${chromiumCandidates().join(', ')}): install it (Debian: apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader'] });
}
