// What a filter's or weigher's per-host rule is, as data a fused fast path (src/framework/fast/fused*.ts)
// evaluates inline instead of calling `hostPasses` / `weigh` per host. Each form must give exactly
// what the scalar method gives (test/framework/fused-forms.test.ts checks every built-in one).

/**
 * A filter's verdict for the current decision (read after its `preFilter` answered true):
 * - `mask`: passes iff `mask[h] === want`. `stable`: the same array object always means the same
 *   verdicts (static data and the request only), so a fast path may cache results keyed by it.
 * - `ram` / `cpu` / `disk`: usage.ts ramFits / cpuFits / diskFits for `amount` (MB, vCPUs, GB).
 * - `gpu`: an allowed-model mask (or none) and usage.ts gpuFits.
 * - `below`: passes iff `values[h] < max`.
 * - `group`: passes iff `min <= req.group.count(h) <= max`.
 */
export type FilterForm =
  | { kind: 'mask'; mask: Uint8Array; want: number; stable: boolean }
  | { kind: 'ram' | 'cpu' | 'disk'; amount: number }
  | { kind: 'gpu'; allowed: Uint8Array | undefined; gpus: number; milli: number }
  | { kind: 'below'; values: Int32Array; max: number }
  | { kind: 'group'; min: number; max: number };

/**
 * A weigher's raw value (before clamping):
 * - `array`: `values[h]`.
 * - `cpu`: vcpusTotal × cpuAllocationRatio − vcpusUsed (usage.ts vcpusLeft).
 * - `group`: `sign` × req.group.count(h) (as `0 - n` for −1) when the request's group has `policy`, else 0.
 */
export type WeigherForm =
  | { kind: 'array'; values: Float64Array | Int32Array }
  | { kind: 'cpu' }
  | { kind: 'group'; policy: string; sign: 1 | -1 };
