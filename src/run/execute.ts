import { join } from 'node:path';
import { writeJsonAtomic } from '../common/atomic-write.ts';
import type { Report } from '../report/schema.ts';
import { type ReplayTask, runReplayTask } from './replay-task.ts';

/** One replay from files to a written report: what `run` and `demo` do per strategy. */
export async function executeRun(
  task: ReplayTask & { outDir?: string },
): Promise<{ report: Report; reportPath: string | undefined }> {
  const report = await runReplayTask(task);
  let reportPath: string | undefined;
  if (task.outDir) {
    reportPath = join(task.outDir, `${task.strategy.name}.json`);
    writeJsonAtomic(reportPath, report);
  }
  return { report, reportPath };
}
