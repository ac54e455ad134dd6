import { StagedFile } from '../common/atomic-write.ts';
import type { ReplayObserver } from '../replay/observer.ts';
import type { InstanceOutcome } from '../scheduler/outcome.ts';

/** `--placements FILE`: one CSV row per instance outcome, in trace order: seq,id,host,attempts. */
export class PlacementsWriter implements ReplayObserver {
  private readonly file: StagedFile;
  /** Each host's name as a CSV field, quoted once here rather than per row. */
  private readonly hostFields: readonly string[];

  constructor(path: string, hostNames: readonly string[]) {
    this.file = new StagedFile(path);
    this.hostFields = hostNames.map(csvField);
    this.file.write('seq,id,host,attempts\n');
  }

  instanceScheduled({ seq, spec, index, host, attempts }: InstanceOutcome): void {
    const name = host >= 0 ? this.hostFields[host] : '';
    this.file.write(`${seq},${csvField(spec.instanceIds[index])},${name},${attempts}\n`);
  }

  finish(): void {
    this.file.commit();
  }

  abort(): void {
    this.file.discard();
  }
}

/** Quote a CSV field only when it needs it. */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
