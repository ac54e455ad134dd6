import { z } from 'zod';
import type { HostTable } from '../../cluster/host-table.ts';
import { MAX_MULTIPLIER, MAX_SIZE } from '../../common/limits.ts';
import { pyFloat } from '../../common/py-float.ts';
import { quote } from '../../common/safe-text.ts';
import { METRIC_NAMES } from '../../model/hv-spec.ts';
import { SchedulingError } from '../../scheduler/errors.ts';
import { defineHostWeigher } from '../define.ts';
import { multiplierOption, weightMultipliers } from '../multiplier.ts';

type Setting = readonly (readonly [name: string, ratio: number])[];

/** The items as oslo's ListOpt gives them: stripped, empty ones dropped. */
function settingItems(items: readonly string[]): string[] {
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** One `name=ratio` item as `utils.parse_options(sep='=', converter=float)` splits it. */
function parseItem(item: string): { name: string; ratio: number | undefined } {
  const eq = item.indexOf('=');
  return { name: eq < 0 ? '' : item.slice(0, eq), ratio: eq < 0 ? undefined : pyFloat(item.slice(eq + 1)) };
}

// Nova's `[metrics] weight_setting`, a ListOpt: a list of items (`--set` splits at commas, as
// oslo does), each stripped. Nova ignores a malformed item with a warning; here it is refused, as
// is a name no host metric can have (Nova's MonitorMetricType names).
const weightSetting = z.array(z.string()).superRefine((items, ctx) => {
  for (const item of settingItems(items)) {
    const { name, ratio } = parseItem(item);
    if (name === '' || ratio === undefined || !Number.isFinite(ratio) || Math.abs(ratio) > MAX_MULTIPLIER) {
      ctx.addIssue({
        code: 'custom',
        message: `expected name=ratio items (a ratio from -${MAX_MULTIPLIER} to ${MAX_MULTIPLIER}), got ${quote(item)}`,
      });
    } else if (!(METRIC_NAMES as readonly string[]).includes(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown metric ${quote(name)} (Nova's metric names: ${METRIC_NAMES.join(', ')})`,
      });
    }
  }
});

/**
 * MetricsWeigher (nova/scheduler/weights/metrics.py): Σ value × ratio over the `weight_setting`
 * metrics, from the host's `metrics`. A missing metric raises when `required` (Nova's
 * ComputeHostMetricNotFound: the whole scheduling request fails), else gives `weight_of_unavailable`
 * unless its ratio × the host's multiplier is 0. Metrics are static, so every host's value is
 * computed once.
 */
export const metricsWeigher = defineHostWeigher({
  name: 'MetricsWeigher',
  description: "Σ metric × ratio over [metrics] weight_setting, from the host's metrics",
  options: {
    metrics_weight_multiplier: multiplierOption(1.0).describe(
      'MetricsWeigher multiplier ([metrics] weight_multiplier)',
    ),
    metrics_weight_setting: weightSetting
      .default([])
      .describe('MetricsWeigher: name=ratio items, comma-separated ([metrics] weight_setting)'),
    metrics_required: z
      .boolean()
      .default(true)
      .describe('MetricsWeigher: a missing metric fails the request ([metrics] required)'),
    metrics_weight_of_unavailable: z
      .number()
      .min(-MAX_SIZE, { error: `expected a number from -${MAX_SIZE} to ${MAX_SIZE}` })
      .max(MAX_SIZE, { error: `expected a number from -${MAX_SIZE} to ${MAX_SIZE}` })
      .default(-10000.0)
      .describe('MetricsWeigher: the value of a host missing a metric ([metrics] weight_of_unavailable)'),
  },
  create({ cluster, options }) {
    const t = cluster.hosts;
    const multipliers = weightMultipliers(t, 'metrics_weight_multiplier', options.metrics_weight_multiplier);
    const setting: Setting = settingItems(options.metrics_weight_setting).map((item) => {
      const { name, ratio } = parseItem(item);
      return [name, ratio as number] as const;
    });
    const values = new Float64Array(t.size);
    const errors = new Map<number, string>();
    for (let h = 0; h < t.size; h++) {
      const v = weighHost(t, h, setting, options, multipliers[h]);
      if (typeof v === 'string') errors.set(h, v);
      else values[h] = v;
    }
    return {
      name: 'MetricsWeigher',
      minval: undefined,
      maxval: undefined,
      multipliers,
      raises: errors.size > 0,
      constant: errors.size === 0 && values.every((x) => x === values[0]),
      ...(errors.size > 0 ? {} : { fusedForm: { kind: 'array' as const, values } }),
      weigh(h) {
        const error = errors.get(h);
        if (error !== undefined) throw new SchedulingError(error);
        return values[h];
      },
    };
  },
});

/** `_weigh_object` for host `h`: its value, or Nova's error message where it raises. */
function weighHost(
  t: HostTable,
  h: number,
  setting: Setting,
  options: { readonly metrics_required: boolean; readonly metrics_weight_of_unavailable: number },
  multiplier: number,
): number | string {
  const metrics = t.metrics[h];
  let value = 0.0;
  for (const [name, ratio] of setting) {
    const v = metrics.get(name);
    if (v !== undefined) value += v * ratio;
    else if (options.metrics_required)
      return `Metric ${name} could not be found on the compute host node ${t.names[h]}.${t.names[h]}.`;
    else if (ratio * multiplier !== 0) return options.metrics_weight_of_unavailable;
  }
  return value;
}
