import { writeJsonAtomic } from '../common/atomic-write.ts';
import { UsageError } from '../common/errors.ts';
import { onForcedExit } from '../common/process-guard.ts';
import { PeakDemand } from './formats/azure.ts';
import { CanonicalTraceWriter } from './formats/canonical-writer.ts';
import { type ConvertedCluster, type ConvertedHost, convertedCluster } from './formats/cluster-out.ts';
import { readRecords } from './formats/records.ts';
import { formatSource, readOpenbHosts, type TraceFormat } from './formats/sources.ts';
import { type RowSource, StoppableSource } from './source.ts';
import { sampleHosts } from './transforms/hosts-sample.ts';
import { type Capacity, capacityOf, isBuffered, type TransformOptions } from './transforms/options.ts';
import type { RequestBuffer } from './transforms/request-buffer.ts';
import { TransformedSource, type TransformNote } from './transforms/transformed-source.ts';

export interface ConvertOptions {
  readonly format: TraceFormat;
  readonly inputs: readonly string[];
  readonly out: string;
  readonly clusterOut: string | undefined;
  /** The cluster for --inflate when the source has none (canonical, or azure instead of the synthesised one). */
  readonly cluster: { readonly capacity: Capacity } | undefined;
  readonly transforms: TransformOptions;
  /** Aborted (by SIGINT or SIGTERM): the read stops with ReadStopped and nothing is written. */
  readonly signal?: AbortSignal;
}

export interface ConvertSummary {
  readonly rows: number;
  readonly hosts: number | undefined;
  readonly gpus: number | undefined;
  readonly note: TransformNote | undefined;
}

const hostCapacity = (hosts: readonly ConvertedHost[]): Capacity =>
  capacityOf(
    hosts.map((h) => ({ vcpus: h.vcpus, memoryMb: h.memory_mb, gpus: h.gpus })),
    { cpu: 1, ram: 1 },
    0,
  );

/**
 * `schedbench convert`: stream a source trace through its adapter and the transforms into a
 * canonical trace CSV, and write the cluster (openb's node list, or for azure one synthesised for
 * the trace's peak demand). Without --sort, --shuffle or --inflate nothing is held but the
 * cluster (and for a synthesised cluster the live VMs); with them, every request (RequestBuffer).
 */
export async function convertTrace(o: ConvertOptions): Promise<ConvertSummary> {
  const t = o.transforms;
  let hosts: ConvertedHost[] | undefined;
  if (o.format === 'openb') {
    hosts = await readOpenbHosts(o.inputs);
    if (
      hosts.length === 0 &&
      (o.clusterOut || t.inflate !== undefined || t.hostsSample !== undefined) &&
      !o.cluster
    )
      throw new UsageError(
        'convert --from openb: no node list among the inputs (sn,cpu_milli,memory_mib,gpu,model)',
      );
    if (hosts.length === 0) hosts = undefined;
  }
  if (o.cluster && hosts)
    throw new UsageError('convert: --cluster with an openb node list: give one or the other');
  if (o.cluster && (o.clusterOut || t.hostsSample !== undefined))
    throw new UsageError(
      'convert: --cluster is only the capacity for --inflate; sample or copy it with run --hosts-sample',
    );
  const synthesise = o.format === 'azure' && !o.cluster;
  const peak = synthesise ? new PeakDemand() : undefined;
  const sample = (h: ConvertedHost[]) =>
    t.hostsSample === undefined ? h : sampleHosts(h.length, t.hostsSample, t.seed).map((i) => h[i]);
  if (hosts) hosts = sample(hosts);
  if (
    !hosts &&
    !synthesise &&
    !o.cluster &&
    (o.clusterOut || t.hostsSample !== undefined || t.inflate !== undefined)
  )
    throw new UsageError(`convert --from ${o.format}: no cluster: give --cluster for --inflate`);

  const capacity = (b: RequestBuffer): Capacity | undefined => {
    if (o.cluster) return o.cluster.capacity;
    if (peak && !hosts) {
      // The synthesised cluster, sized on the requests before resampling, in time order.
      const order = Int32Array.from({ length: b.size }, (_, i) => i).sort(
        (x, y) => b.time[x] - b.time[y] || x - y,
      );
      for (const i of order)
        peak.add(b.time[i], b.duration[i], b.count[i] * b.vcpus[i], b.count[i] * b.memoryMb[i]);
      hosts = sample(peak.hosts());
    }
    return hosts ? hostCapacity(hosts) : undefined;
  };
  const read: RowSource = formatSource(o.format, o.inputs, !t.sort && t.shuffle === undefined);
  const source = o.signal ? new StoppableSource(read, o.signal) : read;
  const transformed = new TransformedSource(source, t, capacity);
  // The image_props column is written only when the source has it: other traces convert as before.
  const imageProps = o.format === 'canonical' && (await hasColumn(o.inputs[0], 'image_props'));
  const writer = new CanonicalTraceWriter(o.out, imageProps);
  // A forced exit (a second signal) cannot unwind to the catch below: its hook removes the temp file.
  const forget = onForcedExit(() => writer.abort());
  const buffered = isBuffered(t);
  try {
    await transformed.read({
      row: (r) => {
        if (peak && !buffered) peak.add(r.time, r.duration, r.count * r.vcpus, r.count * r.memoryMb);
        writer.write(r);
      },
      badRow: (err) => {
        throw err;
      },
    });
    if (peak && !hosts) hosts = sample(peak.hosts());
    writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  } finally {
    forget();
  }
  if (o.clusterOut && hosts)
    writeJsonAtomic(o.clusterOut, convertedCluster(hosts) satisfies ConvertedCluster);
  return {
    rows: writer.rows,
    hosts: hosts?.length,
    gpus: hosts?.reduce((s, h) => s + h.gpus, 0),
    note: transformed.note,
  };
}

/** Does the CSV file's header row have this column? (Only the first record is read.) */
async function hasColumn(path: string, column: string): Promise<boolean> {
  let found = false;
  const stop = new Error('header read');
  try {
    await readRecords(path, (record) => {
      found = record.some((c) => c.trim() === column);
      throw stop;
    });
  } catch (err) {
    if (err !== stop) throw err;
  }
  return found;
}
