#!/usr/bin/python3
"""Reference replayer for schedbench's `filter` strategy that drives REAL Nova code.

    /usr/bin/python3 test/nova/reference.py --cluster C.json --trace T.csv \
        [--config CFG.json] --placements OUT.csv

Nova 26 (Zed) decides every placement: real HostState objects (kept for the whole replay), the
real filter classes and HostFilterHandler, the real weighers and HostWeightHandler, the real
HostManager.get_filtered_hosts / get_weighed_hosts, SchedulerManager._get_sorted_hosts,
_consume_selected_host and _ensure_sufficient_hosts, and the conductor's
scheduler_utils.setup_instance_group (server-group policy checks). Only what Zed no longer has is
written here: the classic RamFilter / CoreFilter / DiskFilter / RetryFilter, the upstream (2023.2)
NumInstancesWeigher, and the replay itself (clock, deletes, departures, live instances).

Output CSV `seq,id,host,attempts`: one row per instance in scheduling order; host empty when the
instance went to ERROR (NoValidHost, unsupported group policy, exception in a filter).

Two config keys (shared with schedbench) choose between Nova 26's behaviour and the contract the
project models (see docs/nova-semantics.md): `multi_create` ('each', the default: every instance of a
multi-instance request is its own NoValidHost and earlier ones stay placed; 'all-or-nothing': Nova
26's `_ensure_sufficient_hosts`) and `group_policy_check` (default false; true runs the conductor's
UnsupportedPolicyException check). An exception inside a filter always fails the whole request.

Zed's inputs reach the real objects: the host fields supported_instances (through HVSpec),
hypervisor_version, failed_builds, stats (or its older name traits) and metrics (a
MonitorMetricList, only for a host that has metrics) are set on each HostState, and the trace's
image_props become spec_obj.image.properties (an ImageMetaProps); the weighers BuildFailureWeigher,
MetricsWeigher, PCIWeigher and CrossCellWeigher and ImagePropertiesFilter take their options from
the config keys schedbench uses (METRICS_OPTIONS maps the [metrics] ones).
"""

import argparse
import datetime
import logging
import os
import random
import sys
import warnings

warnings.filterwarnings('ignore')
logging.disable(logging.CRITICAL)

from oslo_config import cfg  # noqa: E402

import nova.conf  # noqa: E402
from nova import context as nova_context  # noqa: E402
from nova import exception  # noqa: E402
from nova import objects  # noqa: E402

objects.register_all()

from nova.scheduler import filters as nova_filters  # noqa: E402
from nova.scheduler import host_manager as nova_host_manager  # noqa: E402
from nova.scheduler import manager as nova_manager  # noqa: E402
from nova.scheduler import utils as scheduler_utils  # noqa: E402
from nova.scheduler import weights as nova_weights  # noqa: E402
from nova.scheduler.weights import affinity as w_affinity  # noqa: E402
from nova.scheduler.weights import compute as w_compute  # noqa: E402
from nova.scheduler.weights import cpu as w_cpu  # noqa: E402
from nova.scheduler.weights import cross_cell as w_cross_cell  # noqa: E402
from nova.scheduler.weights import disk as w_disk  # noqa: E402
from nova.scheduler.weights import io_ops as w_io_ops  # noqa: E402
from nova.scheduler.weights import metrics as w_metrics  # noqa: E402
from nova.scheduler.weights import pci as w_pci  # noqa: E402
from nova.scheduler.weights import ram as w_ram  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nova_replay import (  # noqa: E402
    CreateRow, ReplayBase, TraceError, expand_hosts, js_string, load_config, load_structured,
    read_trace, write_rows)

CONF = nova.conf.CONF
logging.disable(logging.CRITICAL)  # again: importing nova may have touched logging

SchedulerManager = nova_manager.SchedulerManager
HostManager = nova_host_manager.HostManager
HostState = nova_host_manager.HostState

# NumInstancesWeigher's option is not in Zed (it came with 2023.2 "Bobcat"): register it.
if 'num_instances_weight_multiplier' not in CONF.filter_scheduler:
    CONF.register_opt(cfg.FloatOpt('num_instances_weight_multiplier', default=0.0),
                      group='filter_scheduler')


# --------------------------------------------------------------------------------------------
# What Zed no longer has: classic filters (Stein code, trimmed of logging) and NumInstancesWeigher
# --------------------------------------------------------------------------------------------

class RetryFilter(nova_filters.BaseHostFilter):
    """Classic RetryFilter: drop hosts already tried for this instance."""
    RUN_ON_REBUILD = False

    def host_passes(self, host_state, spec_obj):
        retry = spec_obj.retry
        if not retry:
            return True
        host = [host_state.host, host_state.nodename]
        hosts = [[cn.host, cn.hypervisor_hostname] for cn in retry.hosts]
        return host not in hosts


class RamFilter(nova_filters.BaseHostFilter):
    """Classic RamFilter with the host's ram_allocation_ratio."""
    RUN_ON_REBUILD = False

    def host_passes(self, host_state, spec_obj):
        requested_ram = spec_obj.memory_mb
        free_ram_mb = host_state.free_ram_mb
        total_usable_ram_mb = host_state.total_usable_ram_mb
        # Do not allow an instance to overcommit against itself.
        if not total_usable_ram_mb >= requested_ram:
            return False
        memory_mb_limit = total_usable_ram_mb * host_state.ram_allocation_ratio
        used_ram_mb = total_usable_ram_mb - free_ram_mb
        usable_ram = memory_mb_limit - used_ram_mb
        if not usable_ram >= requested_ram:
            return False
        host_state.limits['memory_mb'] = memory_mb_limit
        return True


class CoreFilter(nova_filters.BaseHostFilter):
    """Classic CoreFilter with the host's cpu_allocation_ratio."""
    RUN_ON_REBUILD = False

    def host_passes(self, host_state, spec_obj):
        if not host_state.vcpus_total:
            # Fail safe
            return True
        instance_vcpus = spec_obj.vcpus
        vcpus_total = host_state.vcpus_total * host_state.cpu_allocation_ratio
        if vcpus_total > 0:
            host_state.limits['vcpu'] = vcpus_total
            # Do not allow an instance to overcommit against itself.
            if instance_vcpus > host_state.vcpus_total:
                return False
        free_vcpus = vcpus_total - host_state.vcpus_used
        if free_vcpus < instance_vcpus:
            return False
        return True


class DiskFilter(nova_filters.BaseHostFilter):
    """Classic DiskFilter with the host's disk_allocation_ratio."""
    RUN_ON_REBUILD = False

    def host_passes(self, host_state, spec_obj):
        requested_disk = (1024 * (spec_obj.root_gb + spec_obj.ephemeral_gb) +
                          spec_obj.swap)
        free_disk_mb = host_state.free_disk_mb
        total_usable_disk_mb = host_state.total_usable_disk_gb * 1024
        # Do not allow an instance to overcommit against itself.
        if total_usable_disk_mb < requested_disk:
            return False
        disk_mb_limit = total_usable_disk_mb * host_state.disk_allocation_ratio
        used_disk_mb = total_usable_disk_mb - free_disk_mb
        usable_disk_mb = disk_mb_limit - used_disk_mb
        if not usable_disk_mb >= requested_disk:
            return False
        host_state.limits['disk_gb'] = disk_mb_limit / 1024
        return True


class NumInstancesWeigher(nova_weights.BaseHostWeigher):
    """Upstream nova/scheduler/weights/num_instances.py (2023.2): NO minval."""

    def weight_multiplier(self, host_state):
        return scheduler_utils.get_weight_multiplier(
            host_state, 'num_instances_weight_multiplier',
            CONF.filter_scheduler.num_instances_weight_multiplier)

    def _weigh_object(self, host_state, weight_properties):
        return host_state.num_instances


CLASSIC_FILTERS = {c.__name__: c for c in (RetryFilter, RamFilter, CoreFilter, DiskFilter)}

# Full class paths, as [filter_scheduler] weight_classes holds them (validate_weigher compares
# against these).
WEIGHER_PATHS = {
    'RAMWeigher': ('nova.scheduler.weights.ram.RAMWeigher', w_ram.RAMWeigher),
    'CPUWeigher': ('nova.scheduler.weights.cpu.CPUWeigher', w_cpu.CPUWeigher),
    'DiskWeigher': ('nova.scheduler.weights.disk.DiskWeigher', w_disk.DiskWeigher),
    'IoOpsWeigher': ('nova.scheduler.weights.io_ops.IoOpsWeigher', w_io_ops.IoOpsWeigher),
    'ServerGroupSoftAffinityWeigher': (
        'nova.scheduler.weights.affinity.ServerGroupSoftAffinityWeigher',
        w_affinity.ServerGroupSoftAffinityWeigher),
    'ServerGroupSoftAntiAffinityWeigher': (
        'nova.scheduler.weights.affinity.ServerGroupSoftAntiAffinityWeigher',
        w_affinity.ServerGroupSoftAntiAffinityWeigher),
    'NumInstancesWeigher': ('nova.scheduler.weights.num_instances.NumInstancesWeigher',
                            NumInstancesWeigher),
    'BuildFailureWeigher': ('nova.scheduler.weights.compute.BuildFailureWeigher',
                            w_compute.BuildFailureWeigher),
    'MetricsWeigher': ('nova.scheduler.weights.metrics.MetricsWeigher', w_metrics.MetricsWeigher),
    'PCIWeigher': ('nova.scheduler.weights.pci.PCIWeigher', w_pci.PCIWeigher),
    'CrossCellWeigher': ('nova.scheduler.weights.cross_cell.CrossCellWeigher',
                         w_cross_cell.CrossCellWeigher),
}


class _ServiceGroupAPI(object):
    """Stands in for nova.servicegroup.API in the ComputeFilter: a host is up iff the cluster
    file says so (the flag rides in the host's service dict)."""

    def service_is_up(self, service):
        return service['up']


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------

DEFAULT_CONFIG = {
    'seed': 0,
    'max_attempts': 3,
    'filters': ['RetryFilter', 'AvailabilityZoneFilter', 'ComputeFilter', 'RamFilter',
                'CoreFilter', 'DiskFilter', 'AggregateInstanceExtraSpecsFilter',
                'ServerGroupAntiAffinityFilter', 'ServerGroupAffinityFilter'],
    'weighers': ['RAMWeigher'],
    'host_subset_size': 1,
    'ram_weight_multiplier': 1.0,
    'cpu_weight_multiplier': 1.0,
    'disk_weight_multiplier': 1.0,
    'io_ops_weight_multiplier': -1.0,
    'num_instances_weight_multiplier': 0.0,
    'soft_affinity_weight_multiplier': 1.0,
    'soft_anti_affinity_weight_multiplier': 1.0,
    'max_instances_per_host': 50,
    'max_io_ops_per_host': 8,
    'multi_create': 'each',
    'group_policy_check': False,
    'cpu_allocation_ratio': None,
    'ram_allocation_ratio': None,
    'disk_allocation_ratio': None,
    # Zed's weighers and ImagePropertiesFilter ([filter_scheduler] and [metrics] options).
    'build_failure_weight_multiplier': 1000000.0,
    'pci_weight_multiplier': 1.0,
    'cross_cell_move_weight_multiplier': 1000000.0,
    'image_properties_default_architecture': None,
    'metrics_weight_multiplier': 1.0,
    'metrics_weight_setting': [],
    'metrics_required': True,
    'metrics_weight_of_unavailable': -10000.0,
}

# schedbench's option names for Nova's [metrics] options.
METRICS_OPTIONS = {'metrics_weight_multiplier': 'weight_multiplier',
                   'metrics_weight_setting': 'weight_setting',
                   'metrics_required': 'required',
                   'metrics_weight_of_unavailable': 'weight_of_unavailable'}


def parse_image_props(text):
    """The trace's `image_props` (`k=v;...`, keys and values stripped, the last value wins)."""
    props = {}
    for part in (text or '').split(';'):
        if part.strip() == '':
            continue
        key, _, value = part.partition('=')
        props[key.strip()] = value.strip()
    return props


def _set_zed_fields(hs, h):
    """The HostState fields of Zed's filters and weighers, as update_from_compute_node sets
    them (supported_instances through HVSpec, which canonicalises); metrics only when given."""
    hs.supported_instances = [
        objects.HVSpec.from_list(spec).to_list()
        for spec in h.get('supported_instances', [['x86_64', 'qemu', 'hvm']])]
    hs.hypervisor_version = h.get('hypervisor_version', 6002000)
    hs.failed_builds = h.get('failed_builds', 0)
    if h.get('metrics'):
        hs.metrics = objects.MonitorMetricList(objects=[
            objects.MonitorMetric(name=name, value=value, source='schedbench',
                                  timestamp=datetime.datetime(2022, 10, 5))
            for name, value in h['metrics'].items()])


# --------------------------------------------------------------------------------------------
# The replay
# --------------------------------------------------------------------------------------------

class Replay(ReplayBase):
    """Rows: (id, host or '', attempts)."""

    def __init__(self, cluster, config):
        super().__init__()
        self.all_or_nothing = config['multi_create'] == 'all-or-nothing'
        self.policy_check = bool(config['group_policy_check'])
        self.ctx = nova_context.get_admin_context()
        self._configure(config)
        self._build_hosts(cluster, config)
        self._build_host_manager(config)

    # -- setup ---------------------------------------------------------------------------

    def _configure(self, config):
        fs = 'filter_scheduler'
        for key in ('host_subset_size', 'max_instances_per_host', 'max_io_ops_per_host',
                    'ram_weight_multiplier', 'cpu_weight_multiplier', 'disk_weight_multiplier',
                    'io_ops_weight_multiplier', 'num_instances_weight_multiplier',
                    'soft_affinity_weight_multiplier',
                    'soft_anti_affinity_weight_multiplier'):
            CONF.set_override(key, config[key], group=fs)
        CONF.set_override('max_attempts', config['max_attempts'], group='scheduler')
        CONF.set_override('enabled_filters', list(config['filters']), group=fs)
        CONF.set_override('weight_classes',
                          [WEIGHER_PATHS[w][0] for w in config['weighers']], group=fs)
        for key in ('cpu_allocation_ratio', 'ram_allocation_ratio', 'disk_allocation_ratio'):
            if config[key] is not None:
                CONF.set_override(key, config[key])
        for key in ('build_failure_weight_multiplier', 'pci_weight_multiplier',
                    'cross_cell_move_weight_multiplier', 'image_properties_default_architecture'):
            CONF.set_override(key, config[key], group=fs)
        for key, nova_key in METRICS_OPTIONS.items():
            CONF.set_override(nova_key, config[key], group='metrics')
        random.seed(config['seed'])

    def _build_hosts(self, cluster, config):
        ratios = {'cpu': 16.0, 'ram': 1.5, 'disk': 1.0}
        ratios.update(cluster.get('allocation_ratios') or {})
        for r in ('cpu', 'ram', 'disk'):
            if config[r + '_allocation_ratio'] is not None:
                ratios[r] = config[r + '_allocation_ratio']
        reserved = {'memory_mb': 512, 'disk_gb': 0}
        reserved.update(cluster.get('reserved') or {})

        self.hosts = []
        self.by_name = {}
        agg_id = 0
        for name, h in expand_hosts(cluster):
            hs = HostState(name, name, None)
            hs.total_usable_ram_mb = h['memory_mb']
            hs.free_ram_mb = h['memory_mb'] - reserved['memory_mb']
            hs.total_usable_disk_gb = h['disk_gb']
            hs.free_disk_mb = (h['disk_gb'] - reserved['disk_gb']) * 1024
            hs.disk_mb_used = reserved['disk_gb'] * 1024
            hs.vcpus_total = h['vcpus']
            hs.vcpus_used = 0
            hs.num_instances = 0
            hs.num_io_ops = 0
            hs.cpu_allocation_ratio = ratios['cpu']
            hs.ram_allocation_ratio = ratios['ram']
            hs.disk_allocation_ratio = ratios['disk']
            hs.stats = h.get('stats') or h.get('traits') or {}
            _set_zed_fields(hs, h)
            aggregates = []
            if h.get('az') is not None:
                agg_id += 1
                aggregates.append(objects.Aggregate(
                    id=agg_id, name='az:' + h['az'], hosts=[name],
                    metadata={'availability_zone': h['az']}))
            for a in h.get('aggregates') or []:
                agg_id += 1
                aggregates.append(objects.Aggregate(
                    id=agg_id, name=a['name'], hosts=[name],
                    metadata={k: js_string(v) for k, v in (a.get('metadata') or {}).items()}))
            hs.update(service={'host': name, 'disabled': not h.get('enabled', True),
                               'up': h.get('up', True)},
                      aggregates=aggregates, inst_dict={})
            self.hosts.append(hs)
            self.by_name[name] = hs

    def _build_host_manager(self, config):
        # A HostManager without __init__ (that one reads the DB): the real get_filtered_hosts /
        # get_weighed_hosts / _choose_host_filters run on it.
        hm = HostManager.__new__(HostManager)
        hm.filter_handler = nova_filters.HostFilterHandler()
        hm.filter_cls_map = {cls.__name__: cls for cls in nova_filters.all_filters()}
        hm.filter_cls_map.update(CLASSIC_FILTERS)
        hm.filter_obj_map = {}
        hm.enabled_filters = hm._choose_host_filters(list(config['filters']))
        for f in hm.enabled_filters:
            if hasattr(f, 'servicegroup_api'):
                f.servicegroup_api = _ServiceGroupAPI()
        hm.weight_handler = nova_weights.HostWeightHandler()
        weighers = []
        for w in config['weighers']:
            weighers.append(WEIGHER_PATHS[w][1]())
        hm.weighers = weighers
        self.sched = SchedulerManager.__new__(SchedulerManager)
        self.sched.host_manager = hm
        self._install_group_stubs()

    # -- state changes outside Nova's consume_from_request ---------------------------------

    def _unconsume(self, hs, iid, vcpus, memory_mb, disk_gb):
        hs.free_ram_mb += memory_mb
        hs.free_disk_mb += 1024 * disk_gb
        hs.vcpus_used -= vcpus
        hs.num_instances -= 1
        hs.instances.pop(iid, None)

    def _release(self, inst):
        self._unconsume(self.by_name[inst.host], inst.iid, inst.vcpus, inst.memory_mb,
                        inst.disk_gb)

    # -- one create row --------------------------------------------------------------------

    def _make_spec(self, ids, req, placed_now):
        """A RequestSpec for `ids` (the request's instances, or one of them on a retry)."""
        flavor = objects.Flavor(**req.flavor_args)
        instance_group = self._group_for_spec(req, [(iid, hs.host) for iid, hs in placed_now])
        spec = objects.RequestSpec(
            flavor=flavor, num_instances=len(ids), availability_zone=req.az,
            instance_group=instance_group, scheduler_hints=req.hints,
            ignore_hosts=None, force_hosts=None, force_nodes=None,
            requested_destination=None, retry=None, pci_requests=None,
            numa_topology=None, project_id='schedbench', user_id='schedbench',
            is_bfv=False,
            image=objects.ImageMeta(properties=objects.ImageMetaProps(**req.image_props)))
        spec.instance_uuid = ids[0]
        return spec, instance_group

    def _claim_ok(self, hs):
        """The compute node's claim against the limits the classic filters handed over. It reads
        the state the filters read, so for this strategy it never fails (retry plumbing only)."""
        lim = hs.limits
        if 'memory_mb' in lim and hs.total_usable_ram_mb - hs.free_ram_mb > lim['memory_mb']:
            return False
        if 'vcpu' in lim and hs.vcpus_used > lim['vcpu']:
            return False
        if 'disk_gb' in lim and (hs.total_usable_disk_gb * 1024 - hs.free_disk_mb >
                                 lim['disk_gb'] * 1024):
            return False
        return True

    def create(self, row):
        req = CreateRow(self, row)
        req.image_props = parse_image_props(row.get('image_props'))
        ids = req.ids
        vcpus, memory_mb, disk_gb = req.vcpus, req.memory_mb, req.disk_gb
        self._register(req)

        spec, instance_group = self._make_spec(ids, req, [])
        self.current_group = instance_group
        selected = []      # (iid, HostState) chosen by the scheduler, in instance order
        failed = False     # whole request failed (real-Nova semantics)
        try:
            # Conductor: server-group details and policy checks (UnsupportedPolicyException).
            try:
                scheduler_utils.setup_instance_group(self.ctx, spec)
            except exception.UnsupportedPolicyException:
                if self.policy_check:
                    raise  # otherwise the unconfigured policy is simply not applied
            # SchedulerManager._schedule / _legacy_find_hosts, instance by instance.
            hosts = list(self.hosts)
            for num, iid in enumerate(ids):
                spec.instance_uuid = iid
                spec.obj_reset_changes(['instance_uuid'])
                hosts = self.sched._get_sorted_hosts(spec, hosts, num)
                if not hosts:
                    break
                chosen = hosts[0]
                selected.append((iid, chosen))
                self.sched._consume_selected_host(chosen, spec, instance_uuid=iid)
            if self.all_or_nothing:
                self.sched._ensure_sufficient_hosts(
                    self.ctx, [h for _, h in selected], len(ids))
        except Exception as e:  # NoValidHost, UnsupportedPolicyException, errors in filters
            if not isinstance(e, (exception.NovaException, ValueError, IndexError)):
                raise
            failed = True
        if failed:
            for iid, hs in selected:
                self._unconsume(hs, iid, vcpus, memory_mb, disk_gb)
            selected = []

        # Build on the compute nodes: claims, then classic reschedules of failed claims.
        result = {}
        attempts = {iid: 1 for iid in ids}
        placed_now = []
        for iid, hs in selected:
            tried = []
            while True:
                if self._claim_ok(hs):
                    result[iid] = hs
                    placed_now.append((iid, hs))
                    break
                self._unconsume(hs, iid, vcpus, memory_mb, disk_gb)
                tried.append(hs.host)
                if attempts[iid] >= CONF.scheduler.max_attempts:
                    break  # MaxRetriesExceeded
                attempts[iid] += 1
                rspec, rgroup = self._make_spec([iid], req, placed_now)
                rspec.retry = objects.SchedulerRetries(
                    num_attempts=attempts[iid],
                    hosts=objects.ComputeNodeList(objects=[
                        objects.ComputeNode(host=h, hypervisor_hostname=h) for h in tried]))
                self.current_group = rgroup
                try:
                    scheduler_utils.setup_instance_group(self.ctx, rspec)
                    cand = self.sched._get_sorted_hosts(rspec, list(self.hosts), 0)
                except (exception.NovaException, ValueError, IndexError):
                    cand = []
                if not cand:
                    break
                hs = cand[0]
                self.sched._consume_selected_host(hs, rspec, instance_uuid=iid)

        # Every build of the request completes: no I/O operation left in flight.
        for hs in self.hosts:
            hs.num_io_ops = 0

        for iid in ids:
            hs = result.get(iid)
            self.rows.append((iid, hs.host if hs is not None else '', attempts[iid]))
            if hs is None:
                continue
            # The build completed: the scheduler learns of the instance on its host (Nova's
            # _consume_selected_host only records it there when the request has a group).
            if iid not in hs.instances:
                hs.instances[iid] = objects.Instance(uuid=iid)
            self._built(iid, hs.host, req)
        self.current_group = None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--cluster', required=True)
    ap.add_argument('--trace', required=True)
    ap.add_argument('--config')
    ap.add_argument('--placements', required=True)
    args = ap.parse_args(argv)

    cluster = load_structured(args.cluster)
    config = load_config(args.config, DEFAULT_CONFIG)
    replay = Replay(cluster, config)
    try:
        replay.run(read_trace(args.trace))
    except TraceError as e:
        print('reference: %s' % e, file=sys.stderr)
        return 2
    write_rows(args.placements, ['seq', 'id', 'host', 'attempts'], replay.rows)
    return 0


if __name__ == '__main__':
    sys.exit(main())
