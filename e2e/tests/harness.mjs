// Starts a real `kaifang demo` on a free loopback port with a fresh data directory, and a
// headless Debian Chromium driven by playwright-core. Screenshots go to e2e/output/, named
// after their test file.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const outputDir = join(here, '..', 'output');
mkdirSync(outputDir, { recursive: true });

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

export async function startKaifang() {
  const bin = process.env.KAIFANG_BIN || join(here, '..', '..', 'target', 'debug', 'kaifang');
  const dataDir = mkdtempSync(join(tmpdir(), 'kaifang-e2e-'));
  const port = await freePort();
  const child = spawn(bin, ['demo', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8'));
      const r = await fetch(`${base}/healthz`);
      if (r.ok && demo.base_url === base) return { base, demo, dataDir, stop: () => child.kill('SIGTERM'), log: () => log };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`kaifang did not start: ${log}`);
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A numbered screenshot taker for one test file: `screenshots('journey')` saves
 * `journey-01-<name>.png`, `journey-02-…` in e2e/output/, so files never overwrite each other.
 */
export function screenshots(prefix) {
  let shot = 0;
  return async (page, name) => {
    shot += 1;
    const file = `${prefix}-${String(shot).padStart(2, '0')}-${name}.png`;
    await page.screenshot({ path: join(outputDir, file), fullPage: true });
  };
}

/** Fills in and sends the log-in form on the page shown (the console's or the consent page's). */
async function submitLogIn(page, login, password) {
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('form button.primary');
}

/** Logs in on the console's log-in page. */
export async function logIn(page, base, login, password) {
  await page.goto(`${base}/login`);
  await submitLogIn(page, login, password);
  await page.waitForLoadState('load');
}

/** Logs in on the OAuth consent page shown, and waits for its approve button. */
export async function logInToConsent(page, login, password) {
  await submitLogIn(page, login, password);
  await page.waitForSelector('button[value=approve]');
}
