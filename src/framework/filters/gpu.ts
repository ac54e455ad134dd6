import { gpuFits } from '../../cluster/usage.ts';
import { defineHostFilter } from '../define.ts';
import { amount } from '../diagnosis.ts';
import type { FilterRequest } from '../types.ts';

/**
 * GpuFilter: a request for GPUs passes a host with room for them (usage.ts gpuFits: `gpus` idle
 * GPUs, or one GPU with the share free) whose GPU model is one of the request's `gpu_spec` models
 * (any model when it has none). A request without GPUs skips the filter, `gpu_spec` included: it
 * uses no GPU. In the default filter list whenever the cluster has GPUs.
 */
export const gpuFilter = defineHostFilter({
  name: 'GpuFilter',
  description: 'room for the requested GPUs (whole or a share) of a gpu_spec model; skipped without GPUs',
  create({ cluster }) {
    const t = cluster.hosts;
    // Hosts of an allowed model, per distinct gpu_spec (static: models never change).
    const byModels = new Map<string, Uint8Array>();
    let allowed: Uint8Array | undefined;
    let gpus = 0;
    let milli = 0;
    const form = { kind: 'gpu' as const, allowed, gpus, milli };
    const modelsPass = (models: readonly string[]): Uint8Array => {
      const key = models.join('|');
      let pass = byModels.get(key);
      if (!pass) {
        pass = new Uint8Array(t.size);
        for (let h = 0; h < t.size; h++) pass[h] = models.includes(t.gpuModel[h]) ? 1 : 0;
        byModels.set(key, pass);
      }
      return pass;
    };
    return {
      name: 'GpuFilter',
      runOncePerRequest: false,
      preFilter(req: FilterRequest): boolean {
        const f = req.spec.flavor;
        if (f.gpus === 0) return false;
        gpus = f.gpus;
        milli = f.gpuMilli;
        allowed = req.spec.gpuSpec === undefined ? undefined : modelsPass(req.spec.gpuSpec);
        return true;
      },
      hostPasses: (h) => (allowed === undefined || allowed[h] === 1) && gpuFits(t, h, gpus, milli),
      filterAll(list, len) {
        let kept = 0;
        for (let i = 0; i < len; i++) {
          const h = list[i];
          if ((allowed === undefined || allowed[h] === 1) && gpuFits(t, h, gpus, milli)) list[kept++] = h;
        }
        return kept;
      },
      fusedForm() {
        form.allowed = allowed;
        form.gpus = gpus;
        form.milli = milli;
        return form;
      },
      explain(h, req: FilterRequest) {
        if (allowed !== undefined && allowed[h] !== 1) {
          const model = t.gpuModel[h] === '' ? 'no GPU model' : `model ${t.gpuModel[h]}`;
          return `GpuFilter: ${model}, gpu_spec allows ${(req.spec.gpuSpec ?? []).join('|')}`;
        }
        let idle = 0;
        let most = 0;
        for (let g = t.gpuStart[h]; g < t.gpuStart[h + 1]; g++) {
          const free = t.gpuFreeMilli[g];
          if (free === 1000) idle++;
          if (free > most) most = free;
        }
        const count = t.gpuCount[h];
        if (milli < 1000)
          return `GpuFilter: at most ${amount(most)}/1000 of a GPU free on one of ${count} GPUs, ${amount(milli)}/1000 asked`;
        return `GpuFilter: ${idle} idle GPU(s) of ${count}, ${gpus} asked`;
      },
    };
  },
});
