import { escapeControls } from '../common/safe-text.ts';
import { formatInt, sig } from '../report/format.ts';
import type { DecisionRecord, NoValidHostCause } from './record.ts';

/** Numbers as explanations print them: the reports' format, 6 significant digits (`12,345.7`). */
export function num(x: number): string {
  return sig(x, 6);
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly boolean[],
): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((s, c) => (numeric[c] ? padLeft(s, widths[c]) : pad(s, widths[c]))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

function flavorText(f: DecisionRecord['flavor']): string {
  const gpu =
    f.gpus > 0 ? `, ${num(f.gpus)} GPU${f.gpu_milli < 1000 ? ` (a ${f.gpu_milli}/1000 share)` : ''}` : '';
  return `${num(f.vcpus)} vCPU, ${num(f.memory_mb)} MB RAM, ${num(f.disk_gb)} GB disk${gpu}`;
}

function causeLines(c: NoValidHostCause): string[] {
  const out = [
    `NoValidHost: ${c.emptied_by ? `${c.emptied_by} removed the last hosts` : 'no filter emptied the list (no host, or the selection refused them)'}`,
  ];
  if (c.nearest_miss) {
    const s = c.nearest_miss.short;
    const parts = [
      s.ram_mb > 0 ? `${num(s.ram_mb)} MB RAM` : '',
      s.vcpus > 0 ? `${num(s.vcpus)} vCPU` : '',
      s.disk_gb > 0 ? `${num(s.disk_gb)} GB disk` : '',
      s.gpus > 0 ? `${num(s.gpus)} GPU` : '',
    ].filter((p) => p !== '');
    out.push(
      `  nearest miss: ${c.nearest_miss.host}, short of ${parts.length > 0 ? parts.join(', ') : 'nothing (another filter rejected it)'}`,
    );
  } else out.push('  nearest miss: none (no host is enabled and up)');
  out.push(
    c.fits_empty_cluster
      ? '  on the empty cluster it would fit: a capacity failure'
      : '  it would not fit even on the empty cluster: no host is big enough',
  );
  return out;
}

/** One decision's explanation as text, for a person at a terminal. */
export function formatDecision(r: DecisionRecord): string {
  const out: string[] = [];
  out.push(
    `decision ${formatInt(r.decision)}: instance ${r.instance_id} (request ${r.request_id}, index ${formatInt(r.index)}) at t=${num(r.time)} s`,
  );
  out.push(`  asks ${flavorText(r.flavor)}`);
  if (r.note) out.push(`  note: ${r.note}`);
  if (r.funnel !== null) {
    out.push('', 'funnel:');
    if (r.funnel.length === 0) out.push('  (no filter ran)');
    else
      out.push(
        ...table(
          ['filter', 'in', 'out', ''],
          r.funnel.map((s) => [
            s.filter,
            formatInt(s.hosts_in),
            formatInt(s.hosts_out),
            s.skipped
              ? `skipped (${s.skipped})`
              : s.hosts_out < s.hosts_in
                ? `-${formatInt(s.hosts_in - s.hosts_out)}`
                : '',
          ]),
          [false, true, true, false],
        ),
      );
  }
  if (r.rejected.length > 0) {
    out.push('', 'rejected hosts:');
    for (const g of r.rejected) {
      out.push(`  ${g.filter}: ${formatInt(g.hosts)} host${g.hosts === 1 ? '' : 's'}  (${g.pattern})`);
      for (const e of g.examples) out.push(`    ${e.host}: ${e.reason}`);
      if (g.hosts > g.examples.length) out.push(`    ... and ${formatInt(g.hosts - g.examples.length)} more`);
    }
  }
  out.push('', `survivors: ${formatInt(r.survivors)}`);
  if (r.candidates.length > 0) {
    const weighed = r.candidates[0].terms !== undefined && r.candidates[0].terms.length > 0;
    out.push(
      weighed
        ? `top ${formatInt(r.candidates.length)} by weight (raw → normalised × multiplier = contribution):`
        : `top ${formatInt(r.candidates.length)}:`,
    );
    for (const c of r.candidates) {
      out.push(`  #${c.rank} ${c.host}  total ${num(c.total)}`);
      for (const t of c.terms ?? [])
        out.push(
          `      ${t.weigher}: ${num(t.raw)} → ${num(t.normalised)} × ${num(t.multiplier)} = ${num(t.contribution)}`,
        );
    }
  }
  if (r.draws.length > 0)
    out.push(
      `draws: ${r.draws.map((d) => (d.kind === 'int' ? `int(${formatInt(d.n ?? 0)}) = ${formatInt(d.value)}` : `float() = ${num(d.value)}`)).join(', ')}`,
    );
  if (r.outcome === 'no-valid-host' && r.no_valid_host) out.push('', ...causeLines(r.no_valid_host));
  else if (r.outcome === 'scheduling-error')
    out.push(
      '',
      `scheduling error: ${escapeControls(r.error ?? '')}`,
      'the scheduling call failed as a whole: every instance of the request is in ERROR, nothing of it placed',
    );
  else {
    const rank = r.candidates.find((c) => c.host === r.host)?.rank;
    out.push(
      '',
      `chosen: ${r.host}${rank !== undefined ? ` (rank ${rank})` : ''}${r.outcome === 'claim-failed' ? ' — its claim failed, the instance is rescheduled' : ''}`,
    );
  }
  return `${out.join('\n')}\n`;
}
