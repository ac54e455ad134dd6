import { type Command, Option } from 'commander';
import { loadCluster } from '../cluster/cluster-spec.ts';
import { ExitStatus } from '../common/errors.ts';
import { escapeControls } from '../common/safe-text.ts';
import { type ConvertSummary, convertTrace } from '../trace/convert.ts';
import { TRACE_FORMATS } from '../trace/formats/sources.ts';
import { ReadStopped } from '../trace/source.ts';
import { capacityOf } from '../trace/transforms/options.ts';
import { examples } from './help.ts';
import { checkOutputFile, type NamedPath, refuseOverwrites } from './output-paths.ts';
import { SIGNAL_EXIT_CODE, stoppedBy, watchStopSignals } from './stop-signals.ts';
import {
  addTransformOptions,
  type TraceFormat,
  type TransformFlags,
  transformsOf,
} from './transform-options.ts';

interface ConvertFlags extends TransformFlags {
  from: TraceFormat;
  out: string;
  clusterOut?: string;
  cluster?: string;
}

/** `schedbench convert`: a public trace (openb, azure) into a canonical trace CSV and a cluster file. */
export function registerConvert(program: Command): void {
  const cmd = program
    .command('convert')
    .description(
      'convert a public trace (openb node and pod lists, Azure vmtable.csv) into a trace CSV and a cluster file, streaming, with optional stress transforms',
    )
    .argument('<inputs...>', 'source files (openb: the node list and the pod list, in any order)')
    .addOption(
      new Option('--from <format>', 'source format (canonical: a trace CSV, to transform it)')
        .choices([...TRACE_FORMATS])
        .makeOptionMandatory(),
    )
    .requiredOption('--out <file>', 'the trace CSV to write')
    .option(
      '--cluster-out <file>',
      'the cluster file to write (JSON): openb nodes, or the synthesised azure cluster',
    )
    .option(
      '--cluster <file>',
      'a cluster file whose capacity --inflate targets (canonical, or azure instead of synthesising)',
    );
  cmd.addHelpText(
    'after',
    examples(
      'schedbench convert --from azure vmtable.csv --out azure-trace.csv --cluster-out azure-cluster.json',
      'schedbench convert --from openb openb_node_list_gpu_node.csv openb_pod_list_default.csv --out openb-trace.csv --cluster-out openb-cluster.json',
      '# a canonical trace, inflated to 1.5 x the capacity of a cluster',
      'schedbench convert --from canonical T.csv --cluster C.json --inflate 1.5 --out T-inflated.csv',
    ),
  );
  addTransformOptions(cmd).action(async (inputs: string[], flags: ConvertFlags) => {
    checkOutputFile(flags.out, '--out');
    if (flags.clusterOut) checkOutputFile(flags.clusterOut, '--cluster-out');
    const ins: NamedPath[] = inputs.map((path) => ({ role: 'input', path }));
    if (flags.cluster) ins.push({ role: '--cluster', path: flags.cluster });
    const outs: NamedPath[] = [{ role: '--out', path: flags.out }];
    if (flags.clusterOut) outs.push({ role: '--cluster-out', path: flags.clusterOut });
    refuseOverwrites(ins, outs);
    const spec = flags.cluster ? loadCluster(flags.cluster) : undefined;
    // A signal stops the read; the trace's temp file is removed and neither output is written.
    const stop = watchStopSignals();
    let s: ConvertSummary;
    try {
      s = await convertTrace({
        format: flags.from,
        inputs,
        out: flags.out,
        clusterOut: flags.clusterOut,
        cluster: spec
          ? {
              capacity: capacityOf(
                spec.hosts.map((h) => ({ vcpus: h.vcpus, memoryMb: h.memoryMb, gpus: h.gpus })),
                spec.allocationRatios,
                spec.reserved.memoryMb,
              ),
            }
          : undefined,
        transforms: transformsOf(flags),
        signal: stop.signal,
      });
    } catch (err) {
      const signal = stop.received();
      if (err instanceof ReadStopped && signal)
        throw new ExitStatus(SIGNAL_EXIT_CODE[signal], `${stoppedBy(signal)}: nothing written`);
      throw err;
    } finally {
      stop.release();
    }
    const lines = [`${escapeControls(flags.out)} (${s.rows.toLocaleString('en-US')} rows)`];
    if (flags.clusterOut && s.hosts !== undefined)
      lines.push(`${escapeControls(flags.clusterOut)} (${s.hosts} hosts, ${s.gpus} GPUs)`);
    if (s.note?.inflate) {
      const i = s.note.inflate;
      lines.push(
        `inflate: ${s.note.requestsIn} requests -> ${s.note.requestsOut}; ${i.resource} demand ${i.demand} of target ${i.target}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
