// matchExtraSpec against nova/scheduler/filters/extra_specs_ops.py `match(value, req)`:
//   words = req.split(); op = words.pop(0); method = op_methods.get(op)
//   no operator -> value == req (the WHOLE req, untrimmed); value None -> False
//   <or>: pop an alternative, compare; pop a keyword slot (any word); repeat while words remain
//   other ops: method(value, words[0]) if words else False; <all-in> gets the word list
// Float operators go through Python's float(), which raises ValueError on non-numeric text.
import { describe, expect, it } from 'vitest';
import { matchExtraSpec } from '../../src/framework/extra-specs-ops.ts';
import { SchedulingError } from '../../src/scheduler/errors.ts';

type Case = [value: string | undefined, req: string, expected: boolean, why: string];

const CASES: Case[] = [
  // --- no operator: exact string equality with the whole requirement
  ['1', '1', true, "'1' == '1'"],
  ['1', '1.0', false, "'1' != '1.0' (no operator: strings, not numbers)"],
  ['True', 'true', false, 'case matters'],
  [undefined, 'x', false, 'None == "x" is False'],
  ['a b', 'a b', true, "first word 'a' is no operator -> value == req"],
  ['', '', true, "'' == '' (req.split() is empty, op None)"],
  ['4', '4 >=', false, "first word '4' is no operator -> '4' == '4 >=' is False"],
  // --- '=' is "at least": float(x) >= float(y)
  ['4', '= 4', true, '4.0 >= 4.0'],
  ['3', '= 4', false, '3.0 >= 4.0 is False'],
  ['5', '= 4', true, '5.0 >= 4.0 ("=" is not equality)'],
  ['4.0', '= 4', true, '4.0 >= 4.0'],
  // --- float comparisons
  ['4.0', '== 4', true, 'float("4.0") == float("4")'],
  ['4', '== 4.5', false, '4.0 == 4.5 is False'],
  ['4', '!= 4.0', false, '4.0 != 4.0 is False'],
  ['5', '!= 4', true, '5.0 != 4.0'],
  ['8', '>= 8', true, '8.0 >= 8.0 (boundary)'],
  ['7.99', '>= 8', false, '7.99 >= 8.0 is False'],
  ['8', '<= 8', true, '8.0 <= 8.0 (boundary)'],
  ['8.5', '<= 8', false, '8.5 <= 8.0 is False'],
  ['10', '>= 9', true, '10.0 >= 9.0 numerically ...'],
  ['10', 's>= 9', false, "... but '10' >= '9' is False as strings ('1' < '9')"],
  ['1_000', '>= 999', true, "Python's float() accepts digit separators: 1000.0 >= 999.0"],
  ['1e3', '== 1000', true, 'float("1e3") == 1000.0'],
  ['inf', '>= 1e308', true, 'float("inf") >= 1e308'],
  ['Infinity', '>= 1', true, 'float() accepts "Infinity" in any case'],
  ['-inf', '<= -1e308', true, '-inf <= -1e308'],
  ['nan', '== nan', false, 'nan == nan is False'],
  ['nan', '!= nan', true, 'nan != nan is True'],
  [' 8 ', '== 8', true, 'float() strips surrounding whitespace'],
  // --- string comparisons (operator.eq / ne / lt / le / gt / ge)
  ['4', 's== 4', true, "'4' == '4'"],
  ['4.0', 's== 4', false, "'4.0' != '4'"],
  ['x', 's== x y', true, 'only words[0] is compared'],
  ['a', 's!= b', true, "'a' != 'b'"],
  ['a', 's!= a', false, "'a' != 'a' is False"],
  ['10', 's< 9', true, "'10' < '9' ('1' < '9')"],
  ['9', 's< 10', false, "'9' < '10' is False"],
  ['abc', 's<= abc', true, "'abc' <= 'abc'"],
  ['abd', 's<= abc', false, "'abd' <= 'abc' is False"],
  ['b', 's> a', true, "'b' > 'a'"],
  ['a', 's> a', false, "'a' > 'a' is False"],
  ['a', 's>= b', false, "'a' >= 'b' is False"],
  ['b', 's>= b', true, "'b' >= 'b'"],
  // --- <in>: substring of the first word; <all-in>: every word a substring
  ['x86_64 avx2', '<in> avx', true, "'avx' in 'x86_64 avx2'"],
  ['sse4', '<in> avx', false, "'avx' not in 'sse4'"],
  ['avx', '<in> avx2 sse', false, "only words[0]: 'avx2' not in 'avx'"],
  ['avx avx2 sse4', '<all-in> avx sse4', true, "'avx' in v and 'sse4' in v"],
  ['avx', '<all-in> avx sse4', false, "'sse4' not in 'avx'"],
  // --- <or>: alternatives at even positions, keyword slots skipped without looking at them
  ['b', '<or> a <or> b', true, "pop 'a' != 'b', skip '<or>', pop 'b' == 'b'"],
  ['c', '<or> a <or> b', false, "'a', 'b' both differ"],
  ['a', '<or> a', true, "pop 'a' == 'a'"],
  ['b', '<or> a', false, "pop 'a' != 'b', no words left -> break"],
  ['c', '<or> a b c', true, "'b' sits in a keyword slot and is skipped; 'c' is compared"],
  ['b', '<or> a b c', false, "'b' sits in the keyword slot: never compared"],
  ['a', '<or> b <or> a <or>', true, "pop 'b', skip, pop 'a' == 'a'"],
  ['x', '<or> y <or>', false, "pop 'y', skip the trailing '<or>', nothing left -> False (no raise)"],
  [undefined, '<or>', false, 'value None returns False before popping'],
  // --- an operator with no operand
  ['4', '>=', false, 'words empty after the operator -> False'],
  ['4', '<in>', false, 'words empty -> False'],
  ['4', '<all-in>', false, 'words empty -> False'],
  [undefined, '>= 4', false, 'value None -> False'],
  // --- req.split() splits on runs of whitespace and drops the ends
  ['4', '  >=   4  ', true, "split -> ['>=', '4']: 4.0 >= 4.0"],
  ['4', '>= 4 5', true, 'only words[0] (4) is compared'],
];

describe('matchExtraSpec (extra_specs_ops.match)', () => {
  it.each(CASES)('match(%j, %j) is %s: %s', (value, req, expected) => {
    expect(matchExtraSpec(value, req)).toBe(expected);
  });

  // Where Python raises, schedbench throws a SchedulingError (the instance then goes to ERROR).
  const RAISES: [value: string, req: string, why: string][] = [
    ['a', '<or>', 'words.pop(0) on an empty list: IndexError'],
    ['abc', '>= 4', "float('abc'): ValueError"],
    ['4', '>= abc', "float('abc') on the requirement side: ValueError"],
    ['abc', '= 1', "'=' is a float operator too"],
    ['0x10', '>= 1', 'float() does not parse hex'],
    ['1,5', '== 1.5', 'float() does not accept a decimal comma'],
    ['', '== 0', "float('') raises"],
    ['many', '!= 0', "'!=' is a float operator"],
  ];
  it.each(RAISES)('match(%j, %j) raises: %s', (value, req) => {
    expect(() => matchExtraSpec(value, req)).toThrow(SchedulingError);
  });

  it('names the offending text in the error, as Python does', () => {
    // ValueError: could not convert string to float: 'abc'
    expect(() => matchExtraSpec('abc', '>= 4')).toThrow("could not convert string to float: 'abc'");
  });
});
