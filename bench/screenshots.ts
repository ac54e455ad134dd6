// Regenerates the HTML report screenshots in docs/ (linked from the README): the demo, and a
// 3-seed two-strategy run with --explain on the bundled trace, each rendered by the system Chromium
// (Debian's chromium package, as the HTML test uses). `npm run screenshots`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];
const BIN = join(import.meta.dirname, '..', 'bin', 'schedbench.js');
const DOCS = join(import.meta.dirname, '..', 'docs');

function schedbench(args: string[]): void {
  execFileSync(process.execPath, [BIN, ...args, '--quiet'], { stdio: 'inherit' });
}

const dir = mkdtempSync(join(tmpdir(), 'schedbench-shots-'));
try {
  schedbench(['demo', '--out', join(dir, 'demo')]);
  const matrix = join(dir, 'seeds');
  schedbench([
    'run',
    ...['--cluster', 'traces/default-cluster.json', '--trace', 'traces/default-trace.csv'],
    ...['--strategy', 'filter,power-of-two', '--set', 'filter.host_subset_size=3', '--seed', '1,2,3'],
    ...['--explain', join(matrix, 'explain.ndjson'), '--explain-every', '10', '--out', matrix],
  ]);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    for (const [name, html] of [
      ['report-demo.png', join(dir, 'demo', 'report.html')],
      ['report-seeds.png', join(matrix, 'report.html')],
    ] as const) {
      const page = await browser.newPage({ viewport: { width: 1180, height: 900 }, deviceScaleFactor: 1 });
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      await page.screenshot({ path: join(DOCS, name), fullPage: true });
      await page.close();
      console.log(`docs/${name}`);
    }
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
