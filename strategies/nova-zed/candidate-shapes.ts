import type { ClusterState } from '../../src/cluster/cluster-state.ts';
import type { PlacementQuery } from '../../src/cluster/placement.ts';

/**
 * One request shape's candidates, kept current: its query (amounts, traits, member_of), which
 * hosts match it and how many (the limit aside). Updated host by host as usage changes.
 */
export interface Shape {
  readonly query: PlacementQuery;
  readonly member: Uint8Array;
  count: number;
}

/** Shapes kept at once (the oldest is dropped for a new one). */
const MAX_SHAPES = 32;

/**
 * The Placement matches of the request shapes nova-zed's index has met, kept current host by host
 * (ClusterState tells the index of every change, and the index tells these), so a decision reads
 * its candidates and their count without scanning the hosts.
 */
export class CandidateShapes {
  private readonly shapes = new Map<string, Shape>();
  private readonly zoneIds = new Map<Uint8Array, number>();

  constructor(private readonly cluster: ClusterState) {}

  /** Host `h`'s usage changed: its match of every kept shape again. */
  hostChanged(h: number): void {
    for (const s of this.shapes.values()) {
      const now = this.cluster.placementMatches(s.query, h) ? 1 : 0;
      if (now !== s.member[h]) {
        s.member[h] = now;
        s.count += now === 1 ? 1 : -1;
      }
    }
  }

  /** Anything may have changed: every kept shape recounted. */
  allChanged(): void {
    for (const s of this.shapes.values()) this.recount(s);
  }

  /** Recount a shape's candidates from scratch. */
  private recount(s: Shape): void {
    s.count = 0;
    for (let h = 0; h < this.cluster.hosts.size; h++) {
      s.member[h] = this.cluster.placementMatches(s.query, h) ? 1 : 0;
      s.count += s.member[h];
    }
  }

  /** The kept shape of `q` (made, and counted, on first use). */
  of(q: PlacementQuery): Shape {
    let zone = 0;
    if (this.zoneIds.size > 4096) {
      this.zoneIds.clear();
      this.shapes.clear();
    }
    if (q.memberOf !== undefined) {
      zone = this.zoneIds.get(q.memberOf) ?? this.zoneIds.size + 1;
      this.zoneIds.set(q.memberOf, zone);
    }
    const a = q.amounts;
    const key = `${a[0]},${a[1]},${a[2]},${q.required.join()},${q.forbidden.join()},${zone},${q.impossible}`;
    let s = this.shapes.get(key);
    if (s === undefined) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.delete(this.shapes.keys().next().value as string);
      // The query object is the request filter's, rewritten per request: keep a copy.
      const query: PlacementQuery = {
        amounts: a.slice(),
        required: q.required.slice(),
        forbidden: q.forbidden.slice(),
        impossible: q.impossible,
        memberOf: q.memberOf,
        limit: q.limit,
      };
      s = { query, member: new Uint8Array(this.cluster.hosts.size), count: 0 };
      this.recount(s);
      this.shapes.set(key, s);
    }
    return s;
  }
}
