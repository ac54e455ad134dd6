// The six policies of the FGD paper (experiments/run_scripts/generate_run_scripts.py) and the
// schedbench strategy each maps to. GPU selection (gpuSelMethod there): Random random, DotProd
// best, FGD its own, the others the default (best); ours: random, dot-product and gpu-packing
// name the best-fit GPU or a random one as there, best-fit leaves it to the claim (best fit).

export interface Policy {
  /** The paper's name (the simulator's folder without its number). */
  readonly paper: string;
  readonly strategy: string;
}

export const POLICIES: readonly Policy[] = [
  { paper: 'Random', strategy: 'random' },
  { paper: 'DotProd', strategy: 'dot-product' },
  { paper: 'GpuClustering', strategy: 'gpu-clustering' },
  { paper: 'GpuPacking', strategy: 'gpu-packing' },
  { paper: 'BestFit', strategy: 'best-fit' },
  { paper: 'FGD', strategy: 'fgd' },
];

/** The paper's name of a strategy, or the strategy's own name when it is not one of them. */
export function policyOfStrategy(strategy: string): string {
  return POLICIES.find((p) => p.strategy === strategy)?.paper ?? strategy;
}
