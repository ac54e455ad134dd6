import { defineHostWeigher } from '../define.ts';
import { multiplierOption, weightMultipliers } from '../multiplier.ts';

/**
 * CrossCellWeigher (nova/scheduler/weights/cross_cell.py): 1 or -1 for a host in or out of the
 * source cell of a cross-cell move, 0 for anything else. Every request schedbench replays is a
 * create, which has no `requested_destination` cell: 0 on every host, so it never changes a weight.
 */
export const crossCellWeigher = defineHostWeigher({
  name: 'CrossCellWeigher',
  description: 'prefers the source cell of a cross-cell move: 0 on every host for a create',
  options: {
    cross_cell_move_weight_multiplier: multiplierOption(1000000.0).describe('CrossCellWeigher multiplier'),
  },
  create({ cluster, options }) {
    const zeros = new Float64Array(cluster.hosts.size);
    return {
      name: 'CrossCellWeigher',
      minval: undefined,
      maxval: undefined,
      multipliers: weightMultipliers(
        cluster.hosts,
        'cross_cell_move_weight_multiplier',
        options.cross_cell_move_weight_multiplier,
      ),
      fusedForm: { kind: 'array', values: zeros },
      constant: true,
      weigh: () => 0,
    };
  },
});
