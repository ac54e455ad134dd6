"""What both real-Nova reference replayers share: reading the inputs, and the replay rules.

reference.py (the classic FilterScheduler) and zed_reference.py (Zed with Placement) decide with
Nova's own code; this module holds only what is the project's contract rather than Nova's: the
cluster order, the trace's columns, the clock (departures before each row), deletes, hints naming
live instances, instance ids of multi-instance rows, server-group membership (the live members),
and the `seq,id,host,attempts` numbering. See test/nova/README.md.
"""

import csv
import heapq
import json
import sys
from decimal import Decimal

from nova import exception
from nova import objects


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------

def load_structured(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if path.lower().endswith(('.yaml', '.yml')):
        import yaml  # optional dependency
        return yaml.safe_load(text)
    return json.loads(text)


def js_string(v):
    """String(v) as JavaScript does it (schedbench turns numeric/boolean metadata into strings)."""
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return 'NaN'
        if v in (float('inf'), float('-inf')):
            return 'Infinity' if v > 0 else '-Infinity'
        if v.is_integer() and abs(v) < 1e21:
            return str(int(v))
        if 1e-7 <= abs(v) < 1e21:
            return format(Decimal(repr(v)), 'f')
        mant, _, exp = repr(v).partition('e')
        sign = '-' if exp.startswith('-') else '+'
        return '%se%s%s' % (mant, sign, exp.lstrip('+-').lstrip('0') or '0')
    return str(v)


def expand_hosts(cluster):
    """Host dicts in cluster order: the order of the "hosts" / "groups" keys, then list order."""
    out = []
    for key in cluster:
        if key == 'hosts':
            for h in cluster['hosts'] or []:
                out.append((h['name'], h))
        elif key == 'groups':
            for g in cluster['groups'] or []:
                width = max(4, len(str(g['count'])))
                for k in range(1, g['count'] + 1):
                    out.append((g['prefix'] + str(k).zfill(width), g))
    return out


def parse_extra_specs(text):
    specs = {}
    if not text:
        return specs
    for part in text.split(';'):
        if part == '':
            continue
        key, _, value = part.partition('=')
        specs[key] = value  # dict: first position, last value wins
    return specs


def parse_ids(text):
    if not text:
        return []
    return [t.strip() for t in text.split(';') if t.strip()]


class TraceError(ValueError):
    """A trace row the harness cannot read as schedbench would (schedbench exits 2 on it)."""


def read_trace(path):
    """Rows as dicts, with the 1-based file line of each in '_line' (for error messages). A row
    with more or fewer fields than the header is a TraceError, as it is an error in schedbench."""
    with open(path, newline='', encoding='utf-8') as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        for rec in reader:
            if not rec or all(not c.strip() for c in rec):
                continue
            if len(rec) != len(header):
                raise TraceError('%s line %d: %d fields, the header has %d' % (
                    path, reader.line_num, len(rec), len(header)))
            row = dict(zip(header, rec))
            row['_line'] = reader.line_num
            yield row


def load_config(path, defaults, error=sys.exit):
    """`defaults` updated with the JSON/YAML config file at `path`; unknown keys are an error
    (`error(message)`, which does not return)."""
    config = dict(defaults)
    if path:
        user = load_structured(path) or {}
        unknown = set(user) - set(defaults)
        if unknown:
            error('%s: unknown config keys: %s' % (path, ', '.join(sorted(unknown))))
        config.update(user)
    for key in ('filters', 'weighers'):
        if isinstance(config[key], str):
            config[key] = [s.strip() for s in config[key].split(',') if s.strip()]
    return config


# --------------------------------------------------------------------------------------------
# The replay
# --------------------------------------------------------------------------------------------

class Live(object):
    __slots__ = ('iid', 'seq', 'host', 'vcpus', 'memory_mb', 'disk_gb', 'group')

    def __init__(self, iid, seq, host, vcpus, memory_mb, disk_gb, group):
        self.iid, self.seq, self.host = iid, seq, host
        self.vcpus, self.memory_mb, self.disk_gb, self.group = vcpus, memory_mb, disk_gb, group


class Group(object):
    def __init__(self, name, policy):
        self.name = name
        self.policy = policy
        self.members = {}  # live instance id -> None, in joining order


class CreateRow(object):
    """One create row of the trace, parsed (its group is the replay's Group, made on first use)."""

    def __init__(self, replay, row):
        self.rid = row['id']
        self.count = int(row.get('count') or 1)
        self.ids = [self.rid] if self.count == 1 else [
            '%s-%d' % (self.rid, i) for i in range(self.count)]
        self.vcpus = int(row['vcpus'])
        self.memory_mb = int(row['memory_mb'])
        self.disk_gb = int(row.get('disk_gb') or 0)
        self.extra_specs = parse_extra_specs(row.get('extra_specs'))
        self.flavor_args = dict(vcpus=self.vcpus, memory_mb=self.memory_mb, root_gb=self.disk_gb,
                                ephemeral_gb=0, swap=0, extra_specs=self.extra_specs)
        self.az = row.get('az') or None
        self.group = None
        if row.get('group'):
            self.group = replay.groups.get(row['group'])
            if self.group is None:
                self.group = replay.groups[row['group']] = Group(row['group'],
                                                                 row['group_policy'])
        self.hints = {}
        for hint in ('same_host', 'different_host'):
            tokens = parse_ids(row.get(hint))
            if tokens:
                self.hints[hint] = replay._resolve_hint(tokens)
        duration = row.get('duration')
        self.due = (float(row['time']) + float(duration)
                    if duration not in (None, '') else None)


class ReplayBase(object):
    """Live instances, groups, departures and deletes; subclasses schedule the create rows.

    A subclass implements `create(row)` and `_release(inst)` (the host side of freeing a live
    instance) and calls `_register(row, ids)` before scheduling and `_built(...)` for each placed
    instance."""

    def __init__(self):
        self.live = {}            # instance id -> Live
        self.request_members = {}  # request id -> [instance ids] (multi-instance requests)
        self.groups = {}          # name -> Group
        self.departures = []      # heap of (due, seq, instance id)
        self.next_seq = 0         # creation order of live instances
        self.rows = []            # output rows, one tuple per instance
        self.current_group = None  # what InstanceGroup.get_by_instance_uuid returns

    def _install_group_stubs(self):
        """The conductor's setup_instance_group() looks the group up in the DB: answer from the
        replay's own records instead."""
        replay = self

        def get_by_instance_uuid(cls, context, instance_uuid):
            if replay.current_group is None:
                raise exception.InstanceGroupNotFound(group_uuid=instance_uuid)
            return replay.current_group

        def get_hosts(group_self, exclude=None):
            return list(group_self.hosts)

        objects.InstanceGroup.get_by_instance_uuid = classmethod(get_by_instance_uuid)
        objects.InstanceGroup.get_hosts = get_hosts

    # -- leaving instances ---------------------------------------------------------------

    def _release(self, inst):
        raise NotImplementedError

    def _free(self, iid):
        inst = self.live.pop(iid)
        self._release(inst)
        if inst.group is not None:
            inst.group.members.pop(iid, None)

    def _run_departures(self, until):
        while self.departures and (until is None or self.departures[0][0] <= until):
            _, seq, iid = heapq.heappop(self.departures)
            inst = self.live.get(iid)
            if inst is not None and inst.seq == seq:
                self._free(iid)

    def _delete(self, rid):
        targets = []
        if rid in self.live:
            targets.append(rid)
        for iid in self.request_members.get(rid, ()):
            if iid in self.live and iid not in targets:
                targets.append(iid)
        for iid in targets:
            self._free(iid)

    def _resolve_hint(self, tokens):
        out = []
        for t in tokens:
            found = []
            if t in self.live:
                found.append(t)
            for iid in self.request_members.get(t, ()):
                if iid in self.live and iid not in found:
                    found.append(iid)
            # Nova keeps a hinted uuid as given: an id that is not live matches no host.
            out.extend(found if found else [t])
        return out

    # -- create rows -----------------------------------------------------------------------

    def _register(self, req):
        """Remember the instance ids of a multi-instance request (for deletes and hints)."""
        if req.count > 1:
            self.request_members.setdefault(req.rid, [])
            for iid in req.ids:
                if iid not in self.request_members[req.rid]:
                    self.request_members[req.rid].append(iid)

    def _group_for_spec(self, req, placed_now):
        """The request's InstanceGroup as the DB would hold it. Members: the live ones plus every
        instance of the request (Nova's API adds them to the group before scheduling); hosts: the
        hosts of live members and of instances of this request already built (retries)."""
        group = req.group
        if group is None:
            return None
        members = list(group.members) + [i for i in req.ids if i not in group.members]
        hosts = []
        for m in group.members:
            h = self.live[m].host
            if h not in hosts:
                hosts.append(h)
        for iid, host in placed_now:
            if host not in hosts:
                hosts.append(host)
        return objects.InstanceGroup(
            name=group.name, policy=group.policy, policies=[group.policy],
            members=members, hosts=hosts, rules={})

    def _built(self, iid, host, req):
        """The build of `iid` on `host` completed: it is live (and a group member) until it
        departs or is deleted."""
        self.next_seq += 1
        self.live[iid] = Live(iid, self.next_seq, host, req.vcpus, req.memory_mb, req.disk_gb,
                              req.group)
        if req.group is not None:
            req.group.members[iid] = None
        if req.due is not None:
            heapq.heappush(self.departures, (req.due, self.next_seq, iid))

    def create(self, row):
        raise NotImplementedError

    def run(self, rows):
        for row in rows:
            self._run_departures(float(row['time']))
            event = (row.get('event') or 'create').strip()
            if event == 'delete':
                self._delete(row['id'])
            else:
                self.create(row)
        self._run_departures(None)


def write_rows(path, header, rows):
    """Write the placements CSV atomically: `header`, then `seq` and each row tuple."""
    import os
    tmp = path + '.tmp'
    with open(tmp, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        for seq, row in enumerate(rows, 1):
            w.writerow([seq] + list(row))
    os.replace(tmp, path)
