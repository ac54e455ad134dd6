import { InputError } from '../common/errors.ts';
import type { ReplayObserver } from '../replay/observer.ts';
import type { InstanceOutcome } from '../scheduler/outcome.ts';
import type { RequestSpec } from '../scheduler/request-spec.ts';
import type { Strategy } from '../scheduler/strategy.ts';
import { explainingStrategy } from './explaining-driver.ts';
import type { DecisionRecord } from './record.ts';

/** Which decisions `schedbench explain` shows. */
export type DecisionQuery =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'seq'; readonly seq: number }
  | { readonly kind: 'novalidhost'; readonly limit: number };

/** One replay of the trace with this strategy and these extra observers (the caller's inputs). */
export type Replay = (strategy: Strategy<unknown>, observers: readonly ReplayObserver[]) => Promise<void>;

/** Thrown by an observer to end the replay once the decision asked for is settled. */
class StopReplay extends Error {}

async function replayUntilStopped(replay: Replay, strategy: Strategy<unknown>, observer: ReplayObserver) {
  try {
    await replay(strategy, [observer]);
  } catch (err) {
    if (!(err instanceof StopReplay)) throw err;
  }
}

/** The instance id of outcome `seq` (the placements file's numbering), replaying only up to it. */
async function idOfSeq(
  replay: Replay,
  strategy: Strategy<unknown>,
  seq: number,
  trace: string,
): Promise<string> {
  let id: string | undefined;
  let last = 0;
  await replayUntilStopped(replay, strategy, {
    instanceScheduled(o: InstanceOutcome) {
      last = o.seq;
      if (o.seq === seq) {
        id = o.spec.instanceIds[o.index];
        throw new StopReplay();
      }
    },
  });
  if (id === undefined)
    throw new InputError(
      trace,
      undefined,
      `--seq ${seq}`,
      `out of range: the replay has ${last} instance outcome(s)`,
    );
  return id;
}

/**
 * Replay up to the decisions the query asks for and return their explanations, in decision order:
 * every scheduling attempt of instance `id` (one, unless a claim failed), of the instance numbered
 * `seq`, or every NoValidHost (up to `limit`). The replay stops as soon as the answer is complete.
 */
export async function findDecisions(
  replay: Replay,
  strategy: Strategy<unknown>,
  query: DecisionQuery,
  top: number,
  /** The trace's path, for error messages. */
  trace: string,
): Promise<{ records: DecisionRecord[]; more: number }> {
  const id =
    query.kind === 'seq'
      ? await idOfSeq(replay, strategy, query.seq, trace)
      : query.kind === 'id'
        ? query.id
        : undefined;
  const records: DecisionRecord[] = [];
  let more = 0;
  const wanted = (spec: RequestSpec) => id === undefined || spec.instanceIds.includes(id);
  const explaining = explainingStrategy(strategy, {
    top,
    wants: wanted,
    record(rec) {
      if (id !== undefined ? rec.instance_id !== id : rec.outcome !== 'no-valid-host') return;
      if (query.kind === 'novalidhost' && records.length >= query.limit) more++;
      else records.push(rec);
    },
  });
  let settled = false;
  await replayUntilStopped(replay, explaining, {
    instanceScheduled(o: InstanceOutcome) {
      if (id !== undefined && o.spec.instanceIds[o.index] === id) {
        settled = true;
        throw new StopReplay();
      }
    },
  });
  if (id !== undefined && !settled) {
    throw new InputError(trace, undefined, `--id ${id}`, 'no instance with this id in the trace');
  }
  return { records, more };
}
