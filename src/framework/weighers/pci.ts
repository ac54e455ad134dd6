import { multiplier as boundedMultiplier } from '../../common/bounds.ts';
import { defineHostWeigher } from '../define.ts';
import { weightMultipliers } from '../multiplier.ts';

/** Nova's MAX_DEVS: free PCI devices count up to this. */
const MAX_DEVS = 100;

/**
 * PCIWeigher (nova/scheduler/weights/pci.py): `MAX_DEVS - min(free PCI devices, MAX_DEVS - 1)`.
 * schedbench models no PCI devices (no host has `pci_stats` pools, no request asks for one), so the
 * value is 100 on every host: it never changes a weight.
 */
export const pciWeigher = defineHostWeigher({
  name: 'PCIWeigher',
  description: 'prefers hosts with fewer free PCI devices: 100 on every host (no host has PCI devices here)',
  options: {
    // Nova's option definition refuses a negative multiplier (min=0.0).
    pci_weight_multiplier: boundedMultiplier().min(0).default(1.0).describe('PCIWeigher multiplier'),
  },
  create({ cluster, options }) {
    const free = 0;
    const value = MAX_DEVS - Math.min(free, MAX_DEVS - 1);
    const values = new Float64Array(cluster.hosts.size).fill(value);
    return {
      name: 'PCIWeigher',
      minval: undefined,
      maxval: undefined,
      multipliers: weightMultipliers(cluster.hosts, 'pci_weight_multiplier', options.pci_weight_multiplier),
      fusedForm: { kind: 'array', values },
      constant: true,
      weigh: () => value,
    };
  },
});
