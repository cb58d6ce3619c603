/// <reference lib="dom" />
// Headless Chromium (Debian's package) driven by playwright-core, with a fresh
// profile and everything that phones home turned off. Used by the dashboard
// tests and the benchmark.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env['DX_AUDIT_CHROMIUM'] ?? '/usr/bin/chromium';

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a throwaway profile; close() removes the profile. */
export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'dx-audit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did while it loaded: console errors, page errors, dialogs and requests. */
export interface PageLog {
  errors: string[];
  requests: string[];
  dialogs: string[];
}

/** Opens `file` (a local path) and waits until the dashboard says every chart is drawn. */
export async function openDashboard(browser: Browser, file: string): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.context.newPage();
  const log: PageLog = { errors: [], requests: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') log.errors.push(message.text());
  });
  page.on('pageerror', (error) => log.errors.push(error.message));
  page.on('request', (request) => log.requests.push(request.url()));
  page.on('dialog', (dialog) => {
    log.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => (window as unknown as { __dxReady?: boolean }).__dxReady === true, null, {
    timeout: 15_000,
  });
  return { page, log };
}

/** Per canvas id: how many pixels differ from the white background. */
export async function inkPerCanvas(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    for (const canvas of Array.from(document.querySelectorAll('canvas'))) {
      const card = canvas.closest('.card');
      const ctx = canvas.getContext('2d');
      if (!ctx || !card) continue;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 0 && (data[i]! < 240 || data[i + 1]! < 240 || data[i + 2]! < 240)) ink += 1;
      }
      out[card.id] = ink;
    }
    return out;
  });
}
