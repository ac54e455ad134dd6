// The HTML report in real headless Chromium (Debian's chromium package; .ci/run installs it). In CI
// the browser must be there: a missing one fails the test instead of skipping it.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { writeReportOutputs } from '../../src/report/write-outputs.ts';
import { tempDir } from '../helpers/replay.ts';
import { scenarioReports } from '../helpers/reports.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const inCi = process.env.CI === 'true';
const PLOTS = ['util-ram', 'util-cpu', 'active-hosts', 'nvh-cum', 'fragmentation-ram', 'latency'];

describe.skipIf(!inCi && !existsSync(CHROMIUM))('HTML report in headless Chromium', () => {
  it('loads offline with no console error and draws every plot, one line per strategy', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing (apt-get install chromium)`).toBe(true);
    // Two configurations of the filter strategy: spread (default) and stack.
    const reports = await scenarioReports([{}, { ram_weight_multiplier: -1 }]);
    const dir = tempDir();
    const { html } = await writeReportOutputs(dir, reports);

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(html).href;
      await page.goto(url, { waitUntil: 'load' });

      expect(errors).toEqual([]);
      // Self-contained: the page itself is the only thing loaded.
      expect(requests).toEqual([url]);
      expect(await page.title()).toBe('schedbench report');
      const rows = await page.locator('#summary tbody tr').allTextContents();
      expect(rows.map((r) => r.split(' ')[0])).toHaveLength(2);

      for (const id of PLOTS) {
        const svg = page.locator(`#plot-${id} svg`);
        expect(await svg.count(), id).toBe(1);
        const box = await svg.boundingBox();
        expect(box && box.width > 300 && box.height > 150, `${id} has a size`).toBe(true);
        // Vega draws a line mark as one path per series: one per strategy, each with a real shape.
        const lines = svg.locator('g.mark-line.role-mark path');
        expect(await lines.count(), `${id} lines`).toBe(2);
        for (const d of await lines.evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? ''))) {
          expect(d, id).toMatch(/^M[\d.-]+,[\d.-]+L/);
        }
        const legend = await svg.locator('g.role-legend-label text').allTextContents();
        expect(legend.sort(), id).toEqual([
          'filter ram_weight_multiplier=-1',
          'filter ram_weight_multiplier=1',
        ]);
      }
    } finally {
      await browser.close();
    }
  });
});
