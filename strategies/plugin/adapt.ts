import { InputError } from '../../src/common/errors.ts';
import type {
  FilterDefinition,
  FilterRequest,
  HostWeigher,
  WeigherDefinition,
} from '../../src/framework/types.ts';
import { PluginError } from '../../src/scheduler/errors.ts';
import type { FilterPlugin, WeigherPlugin } from './define.ts';
import { createFailure, pluginFailure } from './failures.ts';
import { pluginLabel } from './label.ts';

const PLUGIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// One definition per exported value, so a file read again (by a worker) adds the same one.
const adapted = new WeakMap<object, FilterDefinition | WeigherDefinition>();

function checkPlugin(p: FilterPlugin | WeigherPlugin, file: string): void {
  if (typeof p.name !== 'string' || !PLUGIN_NAME.test(p.name)) {
    throw new InputError(file, undefined, 'name', `a ${p.kind} needs a name of letters, digits and "_"`);
  }
  if (typeof p.create !== 'function') {
    throw new InputError(
      file,
      undefined,
      'create',
      `${p.kind} "${p.name}" is missing the method create(init)`,
    );
  }
  const options: unknown = p.options ?? {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InputError(
      file,
      undefined,
      'options',
      `${p.kind} "${p.name}": must be an object of zod schemas`,
    );
  }
  for (const [key, schema] of Object.entries(options)) {
    if (typeof (schema as { safeParse?: unknown } | null)?.safeParse !== 'function') {
      throw new InputError(
        file,
        undefined,
        'options',
        `${p.kind} "${p.name}": option "${key}" must be a zod schema`,
      );
    }
  }
}

/** A plugin filter as the framework's filter definition, every call into it guarded. */
export function filterDefinition(p: FilterPlugin, file: string): FilterDefinition {
  const known = adapted.get(p);
  if (known) return known as FilterDefinition;
  checkPlugin(p, file);
  const label = pluginLabel(file);
  const who = `filter "${p.name}"`;
  const explain = p.explain;
  if (explain !== undefined && typeof explain !== 'function') {
    throw new InputError(file, undefined, 'explain', `filter "${p.name}": must be (host, req) => string`);
  }
  const def: FilterDefinition = {
    name: p.name,
    options: p.options ?? {},
    create(init) {
      let passes: (host: number, req: FilterRequest) => boolean;
      try {
        passes = p.create(init);
      } catch (err) {
        throw createFailure(err, label, who);
      }
      if (typeof passes !== 'function') {
        throw new InputError(
          file,
          undefined,
          'create',
          `filter "${p.name}": must return (host, req) => boolean`,
        );
      }
      return {
        name: p.name,
        runOncePerRequest: p.runOncePerRequest ?? false,
        preFilter: () => true,
        hostPasses(host, req) {
          try {
            return passes(host, req);
          } catch (err) {
            throw pluginFailure(err, label, `decision (request ${req.spec.requestId})`, who);
          }
        },
        ...(explain === undefined ? {} : { explain: explainGuarded(explain, label, who) }),
      };
    },
  };
  adapted.set(p, def);
  return def;
}

/** A plugin's explain, guarded: a throw is the plugin's failure, a non-string its contract breach. */
function explainGuarded(
  explain: (host: number, req: FilterRequest) => string,
  label: string,
  who: string,
): (host: number, req: FilterRequest) => string {
  return (host, req) => {
    let reason: unknown;
    try {
      reason = explain(host, req);
    } catch (err) {
      throw pluginFailure(err, label, `explaining a rejection (request ${req.spec.requestId})`, who);
    }
    if (typeof reason !== 'string') {
      throw pluginFailure(
        new TypeError(`explain() returned ${typeof reason}, expected a string`),
        label,
        `explaining a rejection (request ${req.spec.requestId})`,
        who,
      );
    }
    return reason;
  };
}

/** A plugin weigher as the framework's weigher definition, every call into it guarded. */
export function weigherDefinition(p: WeigherPlugin, file: string): WeigherDefinition {
  const known = adapted.get(p);
  if (known) return known as WeigherDefinition;
  checkPlugin(p, file);
  const label = pluginLabel(file);
  const who = `weigher "${p.name}"`;
  const def: WeigherDefinition = {
    name: p.name,
    options: p.options ?? {},
    create(init): HostWeigher {
      let weigh: (host: number, req: FilterRequest) => number;
      try {
        weigh = p.create(init);
      } catch (err) {
        throw createFailure(err, label, who);
      }
      if (typeof weigh !== 'function') {
        throw new InputError(
          file,
          undefined,
          'create',
          `weigher "${p.name}": must return (host, req) => number`,
        );
      }
      return {
        name: p.name,
        minval: p.minval,
        maxval: p.maxval,
        multipliers: new Float64Array(init.cluster.hosts.size).fill(p.multiplier ?? 1.0),
        weigh(host, req) {
          let x: number;
          try {
            x = weigh(host, req);
          } catch (err) {
            throw pluginFailure(err, label, `decision (request ${req.spec.requestId})`, who);
          }
          // A NaN would slip through the min/max normalisation and make every weight NaN.
          if (Number.isNaN(x)) {
            throw new PluginError(
              label,
              `decision (request ${req.spec.requestId})`,
              `${who} weighed host "${init.cluster.hosts.names[host]}" NaN (a weight must be a number)`,
            );
          }
          return x;
        },
      };
    },
  };
  adapted.set(p, def);
  return def;
}
