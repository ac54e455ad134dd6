// The version check of Nova's ImagePropertiesFilter: distutils' VersionPredicate of
// `image_prop (<img_hv_requested_version>)` satisfied by oslo's convert_version_to_str of the
// host's hypervisor_version, both parsed as distutils' StrictVersion
// (setuptools/_distutils/versionpredicate.py and version.py). Inputs are printable ASCII (the trace
// decoder refuses anything else), where Python's and JavaScript's `\s`, `\w` and `\d` agree.
import { quote } from '../common/safe-text.ts';

/** A StrictVersion: (major, minor, patch) and an optional pre-release tag (`a1`, `b3`). */
interface StrictVersion {
  readonly version: readonly [bigint, bigint, bigint];
  readonly pre: readonly [string, bigint] | undefined;
}

type Op = '<' | '<=' | '==' | '>' | '>=' | '!=';

/** A parsed predicate: every comparison must hold. */
export type VersionPredicate = readonly (readonly [Op, StrictVersion])[];

const VALID_PACKAGE = /^\s*([a-z_]\w*(?:\.[a-z_]\w*)*)(.*)/i;
const PAREN = /^\s*\((.*)\)\s*$/;
const SPLIT_COMPARISON = /^\s*(<=|>=|<|>|!=|==)\s*([^\s,]+)\s*$/;
const STRICT_VERSION = /^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$/;

function strictVersion(s: string): StrictVersion | undefined {
  const m = STRICT_VERSION.exec(s);
  if (!m) return undefined;
  return {
    version: [BigInt(m[1]), BigInt(m[2]), m[4] === undefined ? 0n : BigInt(m[4])],
    pre: m[5] === undefined ? undefined : [m[5][0], BigInt(m[6])],
  };
}

/**
 * `VersionPredicate('image_prop (%s)' % required)`: the comparisons, or a string saying why
 * distutils raises ValueError (Nova would then fail the whole scheduling request).
 */
export function parseVersionPredicate(required: string): VersionPredicate | string {
  const text = `image_prop (${required})`.trim();
  const pkg = VALID_PACKAGE.exec(text);
  if (!pkg) return 'bad package name';
  const paren = PAREN.exec(pkg[2].trim());
  if (!paren) return 'expected a parenthesized list';
  const out: [Op, StrictVersion][] = [];
  for (const pred of paren[1].split(',')) {
    const m = SPLIT_COMPARISON.exec(pred);
    if (!m) return `bad restriction ${quote(pred)} (expected an operator <, <=, ==, !=, >=, > and a version)`;
    const v = strictVersion(m[2]);
    if (!v) return `invalid version number ${quote(m[2])} (expected N.N, N.N.N, optionally a1 or b1 after)`;
    out.push([m[1] as Op, v]);
  }
  return out;
}

function compareTuples(a: readonly bigint[], b: readonly bigint[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** StrictVersion._cmp: numbers first, then a pre-release sorts before the release. */
function compare(a: StrictVersion, b: StrictVersion): number {
  const c = compareTuples(a.version, b.version);
  if (c !== 0) return c;
  if (a.pre === undefined) return b.pre === undefined ? 0 : 1;
  if (b.pre === undefined) return -1;
  if (a.pre[0] !== b.pre[0]) return a.pre[0] < b.pre[0] ? -1 : 1;
  return a.pre[1] === b.pre[1] ? 0 : a.pre[1] < b.pre[1] ? -1 : 1;
}

/** oslo_utils.versionutils.convert_version_to_str: base-1000 digits joined by dots (6002000 is 6.2.0). */
export function versionString(version: number): string {
  const parts: string[] = [];
  for (let v = version; v !== 0; v = Math.floor(v / 1000)) parts.unshift(String(v % 1000));
  return parts.join('.');
}

/**
 * `predicate.satisfied_by(convert_version_to_str(hypervisorVersion))`. Throws (as distutils raises
 * ValueError) when the host's version string is not a StrictVersion: fewer than two or more than
 * three base-1000 digits (a version below 1000, or of 10^9 and above).
 */
export function satisfiedBy(predicate: VersionPredicate, hypervisorVersion: number): boolean {
  if (predicate.length === 0) return true;
  const s = versionString(hypervisorVersion);
  const have = strictVersion(s);
  if (have === undefined) throw new Error(`invalid version number '${s}'`);
  for (const [op, want] of predicate) {
    const c = compare(have, want);
    const ok =
      op === '<'
        ? c < 0
        : op === '<='
          ? c <= 0
          : op === '=='
            ? c === 0
            : op === '!='
              ? c !== 0
              : op === '>'
                ? c > 0
                : c >= 0;
    if (!ok) return false;
  }
  return true;
}
