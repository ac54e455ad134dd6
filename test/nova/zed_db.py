"""The databases Nova's scheduler reads, answered from a schedbench cluster and the live replay.

Nova 26's scheduler reads the API database (cells, host mappings, aggregates, server groups) and
the cell database (services, compute nodes, instances). This module builds those records from the
cluster file, keeps the compute-node records up to date as instances are built and leave (what the
compute's resource tracker writes), and installs the lookups the scheduler calls as stand-ins for
the real queries. Placement's providers (inventory, traits, aggregates) are built here too.
"""

import datetime
import json
import math
import uuid

from nova.objects import fields as nova_fields
from nova import objects
from oslo_utils import timeutils

from nova_replay import expand_hosts, js_string, parse_extra_specs
from placement_standin import Provider

CELL_UUID = str(uuid.UUID(int=0xce11))
IMAGE_PROP_KEYS = ('hw_architecture', 'img_hv_type', 'hw_vm_mode', 'img_hv_requested_version')
# MonitorMetric values that Nova stores divided by 100 and multiplies back (monitor_metric.py).
PERCENT_METRICS = set(m for m in nova_fields.MonitorMetricType.ALL if m.endswith('percent'))
EPOCH = datetime.datetime(2022, 10, 5, tzinfo=datetime.timezone.utc)  # Zed's release


class InputError(Exception):
    """Bad input: the harness prints it and exits 2."""


def _rp_uuid(index):
    return str(uuid.UUID(int=(0x5eed << 64) + index + 1))


def _agg_uuid(index):
    return str(uuid.UUID(int=(0xa99 << 64) + index + 1))


def _metric_json_value(name, value):
    """The number a compute writes so that MonitorMetricList.from_json gives `value` back (percent
    metrics are stored / 100 and read back * 100, then truncated to an integer)."""
    if name not in PERCENT_METRICS:
        return value
    x = value / 100
    step = math.inf if value >= 0 else -math.inf
    while int(x * 100) != value:
        x = math.nextafter(x, step)
    return x


class HostRecord(object):
    """One host: its compute node, service and Placement provider, and its live usage."""

    def __init__(self, index, name, h, ratios, reserved, where):
        self.index = index
        self.name = name
        self.uuid = _rp_uuid(index)
        self.vcpus, self.memory_mb, self.disk_gb = h['vcpus'], h['memory_mb'], h['disk_gb']
        self.ratios = dict(ratios)
        self.ratios.update(h.get('allocation_ratios') or {})
        self.reserved = dict(reserved)
        self.reserved.update(h.get('reserved') or {})
        self.enabled = h.get('enabled', True)
        self.up = h.get('up', True)
        if 'stats' in h and 'traits' in h:
            raise InputError('%s: give "stats" or its older name "traits", not both' % where)
        self.stats = h.get('stats', h.get('traits')) or {}
        self.provider_traits = list(h.get('provider_traits') or [])
        if not self.enabled:
            self.provider_traits.append('COMPUTE_STATUS_DISABLED')
        self.failed_builds = int(h.get('failed_builds') or 0)
        self.hypervisor_version = int(h.get('hypervisor_version', 6002000))
        self.metrics = h.get('metrics') or {}
        for m, v in self.metrics.items():
            if m not in nova_fields.MonitorMetricType.ALL:
                raise InputError('%s: metrics: "%s" is not a metric Nova knows (%s)' % (
                    where, m, ', '.join(nova_fields.MonitorMetricType.ALL)))
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v):
                raise InputError('%s: metrics: "%s" must be an integer (MonitorMetric.value is '
                                 'an IntegerField), got %r' % (where, m, v))
        try:
            self.hv_specs = [objects.HVSpec.from_list(list(t)) for t in
                             h.get('supported_instances', [['x86_64', 'qemu', 'hvm']])]
        except (ValueError, TypeError, IndexError) as e:
            raise InputError('%s: supported_instances: %s' % (where, e))
        self.aggregates = []  # objects.Aggregate, set by ZedDatabase
        self.instances = {}   # live instance id -> (vcpus, memory_mb, disk_gb), in build order
        self.compute = self._compute_node()
        self.service = objects.Service(
            id=index + 1, uuid=str(uuid.UUID(int=(0x5e7 << 64) + index + 1)), host=name,
            binary='nova-compute', topic='compute', report_count=1,
            disabled=not self.enabled, disabled_reason=None if self.enabled else 'schedbench',
            forced_down=False, created_at=EPOCH, updated_at=EPOCH,
            last_seen_up=EPOCH, deleted=False, deleted_at=None)

    def _stats(self):
        """ComputeNode.stats holds strings: the host's stats (objects and arrays as JSON), then
        what Nova's resource tracker writes there itself."""
        out = {}
        for k, v in self.stats.items():
            out[k] = v if v is None or isinstance(v, (str, bool, int, float)) else json.dumps(v)
        out['num_instances'] = str(len(self.instances))
        out['io_workload'] = '0'  # every build has completed when the next request comes
        out['failed_builds'] = str(self.failed_builds)
        return out

    def _compute_node(self):
        metrics = [{'name': m, 'value': _metric_json_value(m, int(v)),
                    'timestamp': '2022-10-05T00:00:00.000000', 'source': 'schedbench'}
                   for m, v in self.metrics.items()]
        cn = objects.ComputeNode(
            id=self.index + 1, uuid=self.uuid, service_id=self.index + 1, host=self.name,
            hypervisor_hostname=self.name, vcpus=self.vcpus, memory_mb=self.memory_mb,
            local_gb=self.disk_gb, hypervisor_type='QEMU',
            hypervisor_version=self.hypervisor_version, cpu_info='{}',
            disk_available_least=None, host_ip=None, numa_topology=None,
            supported_hv_specs=self.hv_specs,
            pci_device_pools=objects.PciDevicePoolList(objects=[]),
            metrics=json.dumps(metrics), current_workload=0,
            cpu_allocation_ratio=self.ratios['cpu'], ram_allocation_ratio=self.ratios['ram'],
            disk_allocation_ratio=self.ratios['disk'], mapped=1,
            created_at=EPOCH, updated_at=EPOCH, deleted=False, deleted_at=None)
        self._update_usage(cn)
        return cn

    def _update_usage(self, cn):
        vcpus = sum(i[0] for i in self.instances.values())
        mem = sum(i[1] for i in self.instances.values())
        disk = sum(i[2] for i in self.instances.values())
        cn.vcpus_used = vcpus
        cn.memory_mb_used = self.reserved['memory_mb'] + mem
        cn.free_ram_mb = self.memory_mb - cn.memory_mb_used  # negative under over-commit
        cn.local_gb_used = self.reserved['disk_gb'] + disk
        cn.free_disk_gb = self.disk_gb - cn.local_gb_used
        cn.running_vms = len(self.instances)
        cn.stats = self._stats()

    def add(self, iid, vcpus, memory_mb, disk_gb):
        self.instances[iid] = (vcpus, memory_mb, disk_gb)
        self._update_usage(self.compute)

    def remove(self, iid):
        self.instances.pop(iid)
        self._update_usage(self.compute)

    def provider(self):
        inv = {
            'VCPU': (self.vcpus, self.reserved['vcpus'], self.ratios['cpu']),
            'MEMORY_MB': (self.memory_mb, self.reserved['memory_mb'], self.ratios['ram']),
            'DISK_GB': (self.disk_gb, self.reserved['disk_gb'], self.ratios['disk']),
        }
        return Provider(self.uuid, self.name, inv, self.provider_traits,
                        [a.uuid for a in self.aggregates])


class ZedDatabase(object):
    def __init__(self, cluster, config, cluster_path='cluster', trace_path='trace'):
        self.trace_path = trace_path
        ratios = {'cpu': 16.0, 'ram': 1.5, 'disk': 1.0}
        ratios.update(cluster.get('allocation_ratios') or {})
        for r in ('cpu', 'ram', 'disk'):
            if config[r + '_allocation_ratio'] is not None:
                ratios[r] = config[r + '_allocation_ratio']
        reserved = {'memory_mb': 512, 'disk_gb': 0, 'vcpus': 0}
        reserved.update(cluster.get('reserved') or {})
        self.hosts = []
        self.by_name = {}
        for i, (name, h) in enumerate(expand_hosts(cluster)):
            rec = HostRecord(i, name, h, ratios, reserved, '%s: host %s' % (cluster_path, name))
            self.hosts.append(rec)
            self.by_name[name] = rec
        self.by_uuid = {h.uuid: h for h in self.hosts}
        self._build_aggregates(cluster)
        self.cell = objects.CellMapping(
            id=1, uuid=CELL_UUID, name='cell1', transport_url='none:///',
            database_connection='sqlite://', disabled=False)

    def _build_aggregates(self, cluster):
        """One aggregate per availability zone (metadata {availability_zone: az}) and one per
        distinct (name, metadata) of the hosts' aggregates; numbers become strings."""
        by_key = {}
        aggs = []

        def get(key, name, metadata):
            agg = by_key.get(key)
            if agg is None:
                agg = objects.Aggregate(id=len(aggs) + 1, uuid=_agg_uuid(len(aggs)), name=name,
                                        hosts=[], metadata=metadata)
                by_key[key] = agg
                aggs.append(agg)
            return agg

        expanded = expand_hosts(cluster)
        for rec, (_, h) in zip(self.hosts, expanded):
            mine = []
            if h.get('az') is not None:
                mine.append(get(('az', h['az']), 'az:' + h['az'],
                                {'availability_zone': h['az']}))
            for a in h.get('aggregates') or []:
                md = {k: js_string(v) for k, v in (a.get('metadata') or {}).items()}
                mine.append(get(('agg', a['name'], json.dumps(md, sort_keys=True)),
                                a['name'], md))
            for agg in mine:
                if rec.name not in agg.hosts:
                    agg.hosts.append(rec.name)
                if agg not in rec.aggregates:
                    rec.aggregates.append(agg)
        self.aggregates = aggs

    def providers(self):
        return [h.provider() for h in self.hosts]

    # -- live state ----------------------------------------------------------------------------

    def add_instance(self, iid, host, req):
        self.by_name[host].add(iid, req.vcpus, req.memory_mb, req.disk_gb)

    def remove_instance(self, inst):
        self.by_name[inst.host].remove(inst.iid)

    # -- trace inputs Nova holds in its own objects -----------------------------------------------

    def parse_image_props(self, row):
        text = row.get('image_props') or ''
        props = {}
        for part in text.split(';'):
            if not part:
                continue
            key, sep, value = part.partition('=')
            if not sep or key not in IMAGE_PROP_KEYS:
                raise InputError('%s line %s: image_props: "%s" (keys: %s)' % (
                    self.trace_path, row.get('_line'), part, ', '.join(IMAGE_PROP_KEYS)))
            props[key] = value
        for key, value in parse_extra_specs(row.get('extra_specs')).items():
            if key.startswith('trait:') and value not in ('required', 'forbidden'):
                raise InputError('%s line %s: extra_specs: %s=%s (a trait is "required" or '
                                 '"forbidden")' % (self.trace_path, row.get('_line'), key, value))
        try:
            objects.ImageMeta.from_dict({'properties': props})
        except ValueError as e:
            raise InputError('%s line %s: image_props: %s' % (self.trace_path, row.get('_line'), e))
        return props

    def image_meta(self, req):
        """The image as the API builds it from Glance's record (properties coerced by Nova)."""
        return objects.ImageMeta.from_dict({'properties': dict(req.image_props)})

    # -- the lookups -----------------------------------------------------------------------------

    def install(self):
        db = self

        def cells_get_all(cls, context):
            return objects.CellMappingList(objects=[db.cell])

        def aggregates_get_all(cls, context):
            return objects.AggregateList(objects=list(db.aggregates))

        def aggregates_get_by_metadata(cls, context, key=None, value=None):
            return objects.AggregateList(objects=[
                a for a in db.aggregates
                if (key is None or key in a.metadata) and
                (value is None or value in (a.metadata.values() if key is None
                                            else [a.metadata.get(key)]))])

        def services_get_by_binary(cls, context, binary, include_disabled=False):
            now = timeutils.utcnow(with_timezone=True)
            out = []
            for h in db.hosts:
                # The DB servicegroup driver calls a service up when its last heartbeat is less
                # than service_down_time (60 s) old.
                h.service.last_seen_up = now if h.up else now - datetime.timedelta(days=1)
                if include_disabled or h.enabled:
                    out.append(h.service)
            return objects.ServiceList(objects=out)

        def computes_get_all_by_uuids(cls, context, compute_uuids):
            wanted = set(compute_uuids)
            return objects.ComputeNodeList(
                objects=[h.compute for h in db.hosts if h.uuid in wanted])

        def computes_get_all(cls, context):
            return objects.ComputeNodeList(objects=[h.compute for h in db.hosts])

        def host_mapping_get_by_host(cls, context, host):
            return objects.HostMapping(host=host, cell_mapping=db.cell)

        def instances_get_uuids_by_host(cls, context, host):
            return list(db.by_name[host].instances)

        def instances_get_by_filters(cls, context, filters, **kw):
            hosts = filters.get('host') or []
            return objects.InstanceList(objects=[
                objects.Instance(uuid=iid, host=h) for h in hosts if h in db.by_name
                for iid in db.by_name[h].instances])

        objects.CellMappingList.get_all = classmethod(cells_get_all)
        objects.AggregateList.get_all = classmethod(aggregates_get_all)
        objects.AggregateList.get_by_metadata = classmethod(aggregates_get_by_metadata)
        objects.ServiceList.get_by_binary = classmethod(services_get_by_binary)
        objects.ComputeNodeList.get_all_by_uuids = classmethod(computes_get_all_by_uuids)
        objects.ComputeNodeList.get_all = classmethod(computes_get_all)
        objects.HostMapping.get_by_host = classmethod(host_mapping_get_by_host)
        objects.InstanceList.get_uuids_by_host = classmethod(instances_get_uuids_by_host)
        objects.InstanceList.get_by_filters = classmethod(instances_get_by_filters)
