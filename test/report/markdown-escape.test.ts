import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareMarkdown, groupSides } from '../../src/report/compare.ts';
import { mdTable, mdText, summaryMarkdown } from '../../src/report/markdown.ts';
import type { Report } from '../../src/report/schema.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';
import { scenarioReports, withChanges, writeReports } from '../helpers/reports.ts';

const EVIL = 'x<script>alert(1)</script>|`y`\nz & [a](b) \\';
// What mdText makes of EVIL, worked out by hand from the escaping rules.
const EVIL_MD = 'x&lt;script&gt;alert(1)&lt;/script&gt;\\|\\`y\\` z &amp; \\[a\\](b) \\\\';

/** The cells of a Markdown table row, split at the `|` that are not escaped. */
const cells = (line: string) => line.split(/(?<!\\)\|/).slice(1, -1);

let base: Report;
let evil: Report;
beforeAll(async () => {
  [base] = await scenarioReports([{}]);
  evil = withChanges(base, (r) => {
    r.inputs.strategy = EVIL;
    r.inputs.trace.path = `/tmp/${EVIL}.csv`;
    r.inputs.cluster.path = `/tmp/<img src=x onerror=alert(1)>|.json`;
    r.machine.cpu_model = 'cpu\n# forged heading';
  });
});

describe('Markdown escaping', () => {
  it('mdText: entities for HTML, backslashes for table and code syntax, spaces for control characters', () => {
    expect(mdText(EVIL)).toBe(EVIL_MD);
    expect(mdText('a\r\n\u001b[31mred\u2028b')).toBe('a   \\[31mred b');
    // A `<` that cannot open a tag stays readable.
    expect(mdText('p<0.05, <= 2')).toBe('p<0.05, <= 2');
    expect(mdText('<!-- x --> </a> <?php <http://e>')).toBe(
      '&lt;!-- x --&gt; &lt;/a&gt; &lt;?php &lt;http://e&gt;',
    );
    // A table keeps one cell per column whatever a cell holds.
    const table = mdTable(['a', 'b'], [[EVIL, 'ok']]).split('\n');
    expect(table).toHaveLength(3);
    expect(cells(table[2]).map((c) => c.trim())).toEqual([EVIL_MD, 'ok']);
  });

  it('summary.md: the label, paths and machine are escaped, the table and lines stay intact', () => {
    const md = summaryMarkdown([evil]);
    const plain = summaryMarkdown([base]);
    expect(md.split('\n')).toHaveLength(plain.split('\n').length);
    expect(md).not.toMatch(/<script|<img|<\/script/);
    expect(md).not.toMatch(/^# forged/m);
    expect(md).toContain(`- trace: /tmp/${EVIL_MD}.csv (sha256 `);
    expect(md).toContain('- cluster: /tmp/&lt;img src=x onerror=alert(1)&gt;\\|.json (4 hosts');
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    const header = cells(rows[0]).length;
    for (const row of rows) expect(cells(row)).toHaveLength(header);
    expect(cells(rows[1])[0].trim()).toBe(EVIL_MD);
  });

  it('compare: side labels from arguments and strategies are escaped in the heading, table and text', () => {
    const other = withChanges(evil, (r) => {
      r.inputs.strategy = 'filter';
    });
    const md = compareMarkdown(
      groupSides(
        [
          // A file name holds no `/`: the label is its base name.
          { path: 'a.json', report: evil, arg: 'dir/x<b onmouseover=1>|`y`\nz&.json' },
          { path: 'b.json', report: other, arg: 'dir/b.json' },
        ],
        'arg',
      ),
    );
    const lines = md.split('\n');
    const label = 'x&lt;b onmouseover=1&gt;\\|\\`y\\` z&amp;';
    expect(lines[0]).toBe(`## schedbench compare: ${label} vs b`);
    expect(cells(lines[2]).map((c) => c.trim())).toEqual([
      'metric',
      'better',
      `${label} (n=1)`,
      'b (n=1)',
      'Δ',
      'Δ%',
      'p<0.05',
    ]);
    expect(md).toContain(`each side minus **${label}**;`);
    expect(md).not.toMatch(/<b /);
    const bySide = groupSides(
      [
        { path: 'a.json', report: evil, arg: 'a' },
        { path: 'b.json', report: other, arg: 'b' },
      ],
      'strategy',
    );
    expect(compareMarkdown(bySide).split('\n')[0]).toBe(`## schedbench compare: ${EVIL_MD} vs filter`);
  });

  it('schedbench report and compare write the escaped Markdown', () => {
    const [a, b] = writeReports([evil, base], ['evil', 'plain']);
    const out = tempDir();
    const rep = cli(['report', a, '--out', out]);
    expect([rep.code, rep.stderr]).toEqual([0, '']);
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).toContain(`| ${EVIL_MD} | 0 |`);
    expect(md).not.toContain('<script');
    const cmp = cli(['compare', a, b, '--by', 'strategy']);
    expect([cmp.code, cmp.stderr]).toEqual([0, '']);
    expect(cmp.stdout.split('\n')[0]).toBe(`## schedbench compare: ${EVIL_MD} vs filter`);
    expect(cmp.stdout).not.toContain('<script');
  });
});
