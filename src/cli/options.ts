import { InvalidArgumentError } from 'commander';

/** A commander parser for an integer flag, with an error naming the flag. */
export function intOption(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${flag} expects an integer, got "${value}"`);
    }
    return n;
  };
}
