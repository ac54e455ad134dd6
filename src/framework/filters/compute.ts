import { defineHostFilter } from '../define.ts';

/** ComputeFilter: only hosts whose compute service is enabled and up. */
export const computeFilter = defineHostFilter({
  name: 'ComputeFilter',
  description: 'only hosts whose compute service is enabled and up',
  create({ cluster }) {
    const { serviceEnabled, serviceUp } = cluster.hosts;
    const allActive = serviceEnabled.every((e, h) => e === 1 && serviceUp[h] === 1);
    const active = Uint8Array.from(serviceEnabled, (e, h) => (e === 1 && serviceUp[h] === 1 ? 1 : 0));
    const form = { kind: 'mask' as const, mask: active, want: 1, stable: true };
    return {
      name: 'ComputeFilter',
      runOncePerRequest: true,
      preFilter: () => !allActive,
      hostPasses: (h) => serviceEnabled[h] === 1 && serviceUp[h] === 1,
      fusedForm: () => form,
      explain(h) {
        const why = [serviceEnabled[h] === 1 ? '' : 'disabled', serviceUp[h] === 1 ? '' : 'down'];
        return `ComputeFilter: compute service ${why.filter(Boolean).join(' and ')}`;
      },
    };
  },
});
