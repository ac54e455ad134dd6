import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/trace/decode.ts';
import { bothReaders, rawTrace } from './reader-parity.ts';

const REQUIRED = ['time', 'id', 'vcpus', 'memory_mb'];

const digits = fc.integer({ min: 0, max: 10 ** 13 }).map(String);
const decimal = fc
  .tuple(
    fc.boolean(),
    fc.integer({ min: 0, max: 10 ** 9 }),
    fc.integer({ min: 0, max: 999_999 }),
    fc.boolean(),
  )
  .map(([neg, i, f, frac]) => `${neg ? '-' : ''}${i}${frac ? `.${f}` : ''}`);
const oddNumber = fc.constantFrom(
  '1e3',
  '+5',
  '.5',
  '1.',
  '-0',
  '007',
  '1E-2',
  '0x10',
  'NaN',
  'Infinity',
  '1_0',
  '',
  ' 1',
);
const text = fc.stringMatching(/^[a-z0-9:|;=. -]{0,8}$/);
const small = (max: number) => fc.integer({ min: 0, max }).map(String);
/** Mostly a canonical value, now and then anything else. */
const mostly = (canonical: fc.Arbitrary<string>, other: fc.Arbitrary<string>) =>
  fc.oneof({ arbitrary: canonical, weight: 12 }, { arbitrary: other, weight: 1 });
const value: Record<string, fc.Arbitrary<string>> = {
  time: mostly(fc.oneof(small(10 ** 7), decimal), fc.oneof(digits, oddNumber)),
  event: mostly(fc.constantFrom('create', 'create', 'delete', ''), fc.constantFrom('Create', ' create', 'x')),
  id: mostly(fc.stringMatching(/^[a-z0-9-]{1,10}$/), text),
  vcpus: mostly(small(64), fc.oneof(oddNumber, digits)),
  memory_mb: mostly(small(1 << 20), oddNumber),
  disk_gb: mostly(fc.oneof(fc.constant(''), small(500)), oddNumber),
  count: mostly(fc.constantFrom('', '1', '2', '5'), fc.constantFrom('0', '1000000', '1000001', '-1', '1.5')),
  duration: mostly(fc.oneof(fc.constant(''), decimal), oddNumber),
  az: mostly(fc.constantFrom('', '', 'az1'), text),
  group: mostly(fc.constantFrom('', '', 'g1'), text),
  group_policy: mostly(
    fc.constantFrom('', '', 'affinity', 'soft-anti-affinity'),
    fc.constantFrom('nope', ' affinity'),
  ),
  extra_specs: mostly(
    fc.constantFrom('', '', 'a=1', 'a=1;b=2;a=3'),
    fc.oneof(fc.constantFrom('=x', 'k'), text),
  ),
  same_host: mostly(fc.constantFrom('', '', 'h1;h2'), text),
  different_host: mostly(fc.constantFrom('', '', 'h3'), text),
  gpus: mostly(fc.constantFrom('', '', '0', '1', '2', '8', '64'), fc.constantFrom('65', '-1', '1.0', '')),
  gpu_milli: mostly(fc.constantFrom('', '', '0', '1', '500', '1000'), fc.constantFrom('1001', '-1', '5e2')),
  gpu_spec: mostly(
    fc.constantFrom('', '', 'T4', 'T4|V100'),
    fc.oneof(fc.constantFrom(' a | b||', '|'), text),
  ),
  image_props: mostly(
    fc.constantFrom(
      '',
      '',
      'hw_architecture=x86_64',
      'img_hv_type=KVM;hw_vm_mode=hvm',
      'img_hv_requested_version=>= 6.0',
    ),
    fc.oneof(
      fc.constantFrom('hw_architecture=x86', 'os_distro=ubuntu', 'hw_vm_mode', 'img_hv_requested_version=6'),
      text,
    ),
  ),
};

/** A header: every column or a shuffled subset with the required ones, maybe an unknown one. */
const header = fc
  .tuple(fc.shuffledSubarray<string>([...COLUMNS]), fc.boolean(), fc.boolean())
  .map(([cols, all, extra]) => {
    const chosen = all ? [...COLUMNS] : [...new Set([...REQUIRED, ...cols])];
    return extra ? [...chosen, 'note'] : chosen;
  });

/** Mutations of the CSV text, at a position taken modulo its length (spread over the text). */
const mutation = fc.tuple(
  fc.oneof(
    { arbitrary: fc.constantFrom('\r', '\r\n', '\n', '\n\n', ','), weight: 2 },
    {
      arbitrary: fc.constantFrom('"', ' ', '\uFEFF', 'é', '\t', 'x', '-', '.', 'e', '+', '0', ''),
      weight: 1,
    },
  ),
  fc.integer({ min: 0, max: 2 ** 30 }),
  fc.boolean(),
);

const trace = header.chain((cols) =>
  fc
    .tuple(
      fc.array(fc.tuple(...cols.map((c) => value[c] ?? text)), { minLength: 0, maxLength: 30 }),
      fc.oneof(fc.constant([]), fc.array(mutation, { maxLength: 3 })),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([rows, mutations, crlf, bom, finalBreak]) => {
      const br = crlf ? '\r\n' : '\n';
      let s = (bom ? '\uFEFF' : '') + [cols.join(','), ...rows.map((r) => r.join(','))].join(br);
      if (finalBreak) s += br;
      for (const [insert, where, replace] of mutations) {
        const at = where % (s.length + 1);
        s = s.slice(0, at) + insert + s.slice(replace ? at + 1 : at);
      }
      return s;
    }),
);

describe('byte scanner against csv-parse (property)', () => {
  it('gives the same rows, bad rows and errors on random and mutated traces', async () => {
    await fc.assert(
      fc.asyncProperty(trace, async (content) => {
        const { fast, csvParse } = await bothReaders(rawTrace(content));
        expect(fast).toEqual(csvParse);
      }),
      { numRuns: 600 },
    );
  });
});
