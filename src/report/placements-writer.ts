import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ReplayObserver } from '../replay/observer.ts';
import type { RequestSpec } from '../scheduler/request-spec.ts';

/**
 * A file written in pieces that appears at its path only when complete: it grows in a temp file in
 * the same directory and is renamed on `commit`; `discard` removes it.
 */
export class StagedFile {
  private readonly tmp: string;
  private fd: number;
  private buf = '';

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    this.fd = openSync(this.tmp, 'w');
  }

  write(s: string): void {
    this.buf += s;
    if (this.buf.length >= 1 << 16) this.flush();
  }

  commit(): void {
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.path);
  }

  discard(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.tmp, { force: true });
  }

  private flush(): void {
    if (this.buf.length > 0) writeSync(this.fd, this.buf);
    this.buf = '';
  }
}

/** `--placements FILE`: one CSV row per instance outcome, in trace order: seq,id,host,attempts. */
export class PlacementsWriter implements ReplayObserver {
  private readonly file: StagedFile;

  constructor(
    path: string,
    private readonly hostNames: readonly string[],
  ) {
    this.file = new StagedFile(path);
    this.file.write('seq,id,host,attempts\n');
  }

  instanceScheduled(seq: number, spec: RequestSpec, index: number, host: number, attempts: number): void {
    const name = host >= 0 ? csvField(this.hostNames[host]) : '';
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
