#!/usr/bin/python3
"""Reference replayer for schedbench's Zed mode (`nova-zed`) that drives REAL Nova 26 code.

    /usr/bin/python3 test/nova/zed_reference.py --cluster C.json --trace T.csv \
        [--config CFG.json] --placements OUT.csv
    /usr/bin/python3 test/nova/zed_reference.py --print-weighers

Every create row goes through Nova 26's SchedulerManager.select_destinations(ctx, spec_obj=...,
instance_uuids=..., return_objects=True, return_alternates=True) after the conductor's
scheduler_utils.setup_instance_group: request_filter.process_reqspec, resources_from_request_spec,
the SchedulerReportClient (get_allocation_candidates, claim_resources,
delete_allocation_for_instance) talking HTTP to an in-memory Placement (placement_standin.py),
HostManager.get_host_states_by_uuids and its filters and weighers with Zed's defaults, the claim
loop, _ensure_sufficient_hosts, _cleanup_allocations, _get_alternate_hosts. Only the databases are
stood in for (zed_db.py: cells, services, compute nodes, aggregates, instances, server groups),
answered from the replay's live state. See test/nova/README.md.

Output CSV `seq,id,host,attempts,alternates`: one row per instance in scheduling order; host
empty when the instance went to ERROR; alternates `|`-separated (empty for an ERROR instance).
"""

import argparse
import logging
import os
import sys
import warnings

warnings.filterwarnings('ignore')
logging.disable(logging.CRITICAL)

import eventlet  # noqa: E402
import nova.conf  # noqa: E402
import oslo_messaging as messaging  # noqa: E402
from nova import context as nova_context  # noqa: E402
from nova import exception  # noqa: E402
from nova import objects  # noqa: E402
from nova import rpc  # noqa: E402

objects.register_all()

from nova.scheduler import manager as nova_manager  # noqa: E402
from nova.scheduler import utils as scheduler_utils  # noqa: E402
from nova.scheduler import weights as nova_weights  # noqa: E402
from nova.scheduler.client import report as nova_report  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nova_replay import (  # noqa: E402
    CreateRow, ReplayBase, TraceError, load_config, load_structured, read_trace, write_rows)
from placement_standin import PlacementStandIn, StandInUnsupported  # noqa: E402
from zed_db import ZedDatabase, InputError  # noqa: E402

CONF = nova.conf.CONF
logging.disable(logging.CRITICAL)  # again: importing nova may have touched logging

# Zed's [filter_scheduler] enabled_filters default (nova/conf/scheduler.py).
ZED_FILTERS = ['ComputeFilter', 'ComputeCapabilitiesFilter', 'ImagePropertiesFilter',
               'ServerGroupAntiAffinityFilter', 'ServerGroupAffinityFilter']


def all_weigher_classes():
    """Zed's `weight_classes = nova.scheduler.weights.all_weighers`: the modules of the weights
    package in os.walk order (directory order: it depends on the installation)."""
    return nova_weights.all_weighers()


DEFAULT_CONFIG = {
    'seed': 0,
    'max_attempts': 3,
    'filters': list(ZED_FILTERS),
    'weighers': None,  # None: all_weighers
    'host_subset_size': 1,
    'ram_weight_multiplier': 1.0,
    'cpu_weight_multiplier': 1.0,
    'disk_weight_multiplier': 1.0,
    'io_ops_weight_multiplier': -1.0,
    'soft_affinity_weight_multiplier': 1.0,
    'soft_anti_affinity_weight_multiplier': 1.0,
    'build_failure_weight_multiplier': 1000000.0,
    'pci_weight_multiplier': 1.0,
    'cross_cell_move_weight_multiplier': 1000000.0,
    'metrics_weight_multiplier': 1.0,
    'metrics_weight_setting': [],
    'metrics_required': True,
    'metrics_weight_of_unavailable': -10000.0,
    'image_properties_default_architecture': None,
    'max_instances_per_host': 50,
    'max_io_ops_per_host': 8,
    'max_placement_results': 1000,
    'multi_create': 'all-or-nothing',
    'group_policy_check': False,
    'placement': 'zed',
    'cpu_allocation_ratio': None,
    'ram_allocation_ratio': None,
    'disk_allocation_ratio': None,
}


class ZedScheduler(nova_manager.SchedulerManager):
    """Nova 26's SchedulerManager, with one ordering made deterministic.

    HostManager._get_host_states returns the host states in the iteration order of a Python set
    of (host, node) tuples: with hash randomisation that order changes from one scheduler process
    to the next, and it is the order in which equal weights stay. `_get_all_host_states` is the
    template method Nova provides for subclasses; this one keeps Nova's host states and puts them
    in Placement's order (provider_summaries, i.e. cluster order)."""

    def _get_all_host_states(self, context, spec_obj, provider_summaries):
        states = list(super()._get_all_host_states(context, spec_obj, provider_summaries))
        order = {rp: i for i, rp in enumerate(provider_summaries or ())}
        states.sort(key=lambda hs: order[hs.uuid])
        return iter(states)


def _configure(config, config_path):
    fs = 'filter_scheduler'
    for key in ('host_subset_size', 'max_instances_per_host', 'max_io_ops_per_host',
                'ram_weight_multiplier', 'cpu_weight_multiplier', 'disk_weight_multiplier',
                'io_ops_weight_multiplier', 'soft_affinity_weight_multiplier',
                'soft_anti_affinity_weight_multiplier', 'build_failure_weight_multiplier',
                'pci_weight_multiplier', 'cross_cell_move_weight_multiplier'):
        CONF.set_override(key, config[key], group=fs)
    CONF.set_override('image_properties_default_architecture',
                      config['image_properties_default_architecture'], group=fs)
    CONF.set_override('enabled_filters', list(config['filters']), group=fs)
    if config['weighers'] is None:
        CONF.set_override('weight_classes', ['nova.scheduler.weights.all_weighers'], group=fs)
    else:
        paths = {c.__name__: '%s.%s' % (c.__module__, c.__name__) for c in all_weigher_classes()}
        unknown = [w for w in config['weighers'] if w not in paths]
        if unknown:
            raise InputError('%s: weighers: unknown weigher(s) %s (Zed has: %s)' % (
                config_path, ', '.join(unknown), ', '.join(paths)))
        CONF.set_override('weight_classes', [paths[w] for w in config['weighers']], group=fs)
    CONF.set_override('shuffle_best_same_weighed_hosts', False, group=fs)
    CONF.set_override('track_instance_changes', True, group=fs)  # Zed's default
    CONF.set_override('max_attempts', config['max_attempts'], group='scheduler')
    CONF.set_override('max_placement_results', config['max_placement_results'], group='scheduler')
    CONF.set_override('query_placement_for_availability_zone', True, group='scheduler')
    setting = config['metrics_weight_setting']
    if isinstance(setting, str):
        setting = [s.strip() for s in setting.split(',') if s.strip()]
    CONF.set_override('weight_setting', setting, group='metrics')
    CONF.set_override('weight_multiplier', config['metrics_weight_multiplier'], group='metrics')
    CONF.set_override('required', config['metrics_required'], group='metrics')
    CONF.set_override('weight_of_unavailable', config['metrics_weight_of_unavailable'],
                      group='metrics')
    # Notifications go nowhere (oslo.messaging's fake transport, no notification driver).
    messaging.TransportURL.parse(CONF)  # registers [DEFAULT] transport_url
    CONF.set_override('transport_url', 'fake:/')
    for key in ('cpu_allocation_ratio', 'ram_allocation_ratio', 'disk_allocation_ratio'):
        if config[key] is not None:
            CONF.set_override(key, config[key])
    import random
    random.seed(config['seed'])


class ZedReplay(ReplayBase):
    """Rows: (id, host or '', attempts, alternates)."""

    def __init__(self, cluster, config, explain=False, cluster_path='cluster', trace_path='trace',
                 config_path='config'):
        super().__init__()
        self.explain = explain
        if config['placement'] != 'zed':
            raise InputError('%s: placement must be "zed" for this harness' % config_path)
        if config['multi_create'] != 'all-or-nothing':
            raise InputError('%s: multi_create: Zed mode is all-or-nothing '
                             '(SchedulerManager._ensure_sufficient_hosts)' % config_path)
        self.policy_check = bool(config['group_policy_check'])
        _configure(config, config_path)
        self.ctx = nova_context.get_admin_context()
        self.db = ZedDatabase(cluster, config, cluster_path, trace_path)
        self.placement = PlacementStandIn(self.db.providers())
        rpc.init(CONF)
        # The report client Nova builds for the scheduler, with the stand-in as its HTTP adapter.
        nova_report.PLACEMENTCLIENT = nova_report.SchedulerReportClient(adapter=self.placement)
        self.db.install()
        self._install_group_stubs()
        try:
            self.sched = ZedScheduler()
        except exception.SchedulerHostFilterNotFound as e:
            raise InputError('%s: filters: %s' % (config_path, e))
        self.report = self.sched.placement_client
        # HostManager.__init__ spawned _init_instance_info (a green thread): let it finish, then
        # each compute's start-up report and first periodic sync, so that the scheduler tracks
        # every host's instances from the computes' updates (track_instance_changes).
        eventlet.sleep(0)
        for h in self.db.hosts:
            self.sched.update_instance_info(self.ctx, h.name, objects.InstanceList(objects=[]))
            self.sched.sync_instance_info(self.ctx, h.name, [])

    # -- leaving instances ---------------------------------------------------------------

    def _release(self, inst):
        # The compute deletes the instance's allocations, updates its record and tells the
        # scheduler.
        self.report.delete_allocation_for_instance(self.ctx, inst.iid, force=True)
        self.db.remove_instance(inst)
        self.sched.delete_instance_info(self.ctx, inst.host, inst.iid)

    # -- one create row --------------------------------------------------------------------

    def _make_spec(self, req):
        """The RequestSpec the API and conductor hand to the scheduler for this row."""
        hints = {k: list(v) for k, v in req.hints.items()}
        instance_group = self._group_for_spec(req, [])
        if instance_group is not None:
            # The API keeps the server group as the `group` scheduler hint.
            hints['group'] = [req.group.name]
        spec = objects.RequestSpec(
            flavor=objects.Flavor(**req.flavor_args),
            image=self.db.image_meta(req),
            num_instances=len(req.ids), availability_zone=req.az,
            instance_group=instance_group, scheduler_hints=hints,
            ignore_hosts=None, force_hosts=None, force_nodes=None,
            requested_destination=None, retry=None,
            pci_requests=objects.InstancePCIRequests(requests=[]),
            numa_topology=None, project_id='schedbench', user_id='schedbench',
            is_bfv=False, requested_resources=[],
            requested_networks=objects.NetworkRequestList(objects=[]))
        spec.instance_uuid = req.ids[0]
        return spec, instance_group

    def _explain(self, row, error):
        if self.explain:
            print('line %s (%s): %s: %s' % (row.get('_line'), row['id'], type(error).__name__,
                                            error), file=sys.stderr)

    def create(self, row):
        req = CreateRow(self, row)
        req.image_props = self.db.parse_image_props(row)
        self._register(req)
        ids = req.ids
        spec, instance_group = self._make_spec(req)
        self.current_group = instance_group
        selections = None
        try:
            # Conductor: server-group details and policy checks (UnsupportedPolicyException).
            try:
                scheduler_utils.setup_instance_group(self.ctx, spec)
            except exception.UnsupportedPolicyException:
                if self.policy_check:
                    raise  # otherwise the unconfigured policy is simply not applied
            selections = self.sched.select_destinations(
                self.ctx, spec_obj=spec, instance_uuids=list(ids),
                return_objects=True, return_alternates=True)
        except StandInUnsupported:
            raise
        except messaging.ExpectedException as e:  # NoValidHost, wrapped by @expected_exceptions
            self._explain(row, e.exc_info[1])
        except (exception.NovaException, ValueError, IndexError) as e:
            self._explain(row, e)  # UnsupportedPolicyException, errors in filters or weighers
        if selections is None:
            # Every instance of the row is ERROR and never lives: nothing of it may stay claimed
            # (Nova already cleaned up after NoValidHost; an exception can leave claims behind).
            for iid in ids:
                if iid in self.placement.consumers:
                    self.report.delete_allocation_for_instance(self.ctx, iid, force=True)
            for iid in ids:
                self.rows.append((iid, '', 1, ''))
            if instance_group is not None:
                # _consume_selected_host recorded the row's instances in the scheduler's view of
                # their hosts; the computes' periodic instance sync corrects it (twice: the first
                # sync of a host that disagrees reloads it, the next marks it current again).
                for h in self.db.hosts:
                    uuids = list(h.instances)
                    self.sched.sync_instance_info(self.ctx, h.name, uuids)
                    self.sched.sync_instance_info(self.ctx, h.name, uuids)
        else:
            for iid, sel in zip(ids, selections):
                host = sel[0].service_host
                self.rows.append((iid, host, 1, '|'.join(s.service_host for s in sel[1:])))
                # The build completes (Zed's compute claims check no limits: no reschedule);
                # the compute updates its record and tells the scheduler.
                self.db.add_instance(iid, host, req)
                self.sched.update_instance_info(self.ctx, host, objects.InstanceList(
                    objects=[objects.Instance(uuid=iid, host=host)]))
                self._built(iid, host, req)
        self.current_group = None


def _input_error(message):
    raise InputError(message)


def print_weighers():
    for cls in all_weigher_classes():
        print(cls.__name__)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--cluster')
    ap.add_argument('--trace')
    ap.add_argument('--config')
    ap.add_argument('--placements')
    ap.add_argument('--explain', action='store_true',
                    help='print why each failed row failed (to stderr)')
    ap.add_argument('--print-weighers', action='store_true',
                    help="print Zed's all_weighers() order in this installation and exit")
    args = ap.parse_args(argv)
    if args.print_weighers:
        print_weighers()
        return 0
    if not (args.cluster and args.trace and args.placements):
        ap.error('--cluster, --trace and --placements are required')
    try:
        cluster = load_structured(args.cluster)
        config = load_config(args.config, DEFAULT_CONFIG, error=_input_error)
        replay = ZedReplay(cluster, config, explain=args.explain, cluster_path=args.cluster,
                           trace_path=args.trace, config_path=args.config or 'config')
        replay.run(read_trace(args.trace))
    except (InputError, TraceError) as e:
        print('zed_reference: %s' % e, file=sys.stderr)
        return 2
    except StandInUnsupported as e:
        print('zed_reference: not modelled by the Placement stand-in: %s' % e, file=sys.stderr)
        return 2
    write_rows(args.placements, ['seq', 'id', 'host', 'attempts', 'alternates'], replay.rows)
    return 0


if __name__ == '__main__':
    sys.exit(main())
