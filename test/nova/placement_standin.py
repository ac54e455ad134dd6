"""An in-memory Placement service answering Nova's SchedulerReportClient at its HTTP layer.

It stands where the keystoneauth Adapter stands (`SchedulerReportClient(adapter=...)`): Nova's
report client builds the real URLs and bodies, this object answers them as Placement (API
microversion 1.36) would, for the subset a compute-node-only deployment uses:

- GET /allocation_candidates: one unsuffixed request group (`resources`, `required` with `!TRAIT`
  forbidden, `member_of=in:...` any number of times, `!in:`), `root_required`, `limit`. A provider
  is a candidate when, for every requested class, it has that inventory, `1 <= amount <= max_unit`
  (max_unit = total, step 1) and `used + amount <= int((total - reserved) * allocation_ratio)`;
  it has every required trait and no forbidden one; it is in one of the aggregates of each
  `member_of`. Candidates come in provider (cluster) order, the first `limit` of them. A trait
  name Placement does not know (not an os-traits name, not on any provider) is a 400, as is a
  request without resources.
- GET /allocations/{consumer}, PUT /allocations/{consumer} (204, or 409 when a class no longer
  fits or the consumer generation is stale), DELETE /allocations/{consumer} (204 or 404).

Anything else raises StandInUnsupported: the harness must not guess an answer.
"""

import json
from urllib import parse

import os_traits

CAPACITY_CLASSES = ('VCPU', 'MEMORY_MB', 'DISK_GB')


class StandInUnsupported(Exception):
    """A request this stand-in does not model (the harness reports it and stops)."""


class Response(object):
    """The parts of a requests.Response that Nova's report client reads."""

    def __init__(self, status_code, body=None):
        self.status_code = status_code
        self.text = '' if body is None else json.dumps(body)
        self.headers = {}

    def json(self):
        return json.loads(self.text)

    def __bool__(self):
        return self.status_code < 400


def _error(status, detail, code='placement.undefined_code'):
    title = {400: 'Bad Request', 404: 'Not Found', 409: 'Conflict'}[status]
    return Response(status, {'errors': [
        {'status': status, 'title': title, 'detail': detail, 'code': code,
         'request_id': 'req-standin'}]})


class Provider(object):
    """One compute node's resource provider: inventory {class: (total, reserved, ratio)}."""

    def __init__(self, uuid, name, inventory, traits, aggregates):
        self.uuid = uuid
        self.name = name
        self.inventory = {rc: inv for rc, inv in inventory.items() if inv[0] > 0}
        self.traits = set(traits)
        self.aggregates = set(aggregates)
        self.used = {rc: 0 for rc in self.inventory}
        self.generation = 0

    def capacity(self, rc):
        total, reserved, ratio = self.inventory[rc]
        return int((total - reserved) * ratio)

    def fits(self, rc, amount):
        inv = self.inventory.get(rc)
        if inv is None:
            return False
        if not 1 <= amount <= inv[0]:  # min_unit 1, max_unit = total, step_size 1
            return False
        return self.used[rc] + amount <= self.capacity(rc)


def _traits(value):
    """'A,!B' -> ({'A'}, {'B'})."""
    required, forbidden = set(), set()
    for t in value.split(','):
        t = t.strip()
        if not t:
            continue
        if t.startswith('in:'):
            raise StandInUnsupported('any-of traits (required=in:...): %s' % value)
        (forbidden if t.startswith('!') else required).add(t.lstrip('!'))
    return required, forbidden


class PlacementStandIn(object):
    """The adapter: get/put/post/delete as keystoneauth's Adapter is called by the report client."""

    def __init__(self, providers):
        self.providers = list(providers)  # cluster order
        self.by_uuid = {p.uuid: p for p in self.providers}
        self.consumers = {}  # consumer -> {'allocations': {rp: {rc: n}}, 'generation': g, ...}
        self.known_traits = set(os_traits.get_traits())
        for p in self.providers:
            self.known_traits |= p.traits
        self.additional_headers = {}
        self.requests = 0  # GET /allocation_candidates answered (for tests)

    # -- the HTTP surface --------------------------------------------------------------------

    def get(self, url, microversion=None, global_request_id=None, **kw):
        path, _, query = url.partition('?')
        if path == '/allocation_candidates':
            return self._allocation_candidates(parse.parse_qsl(query, keep_blank_values=True))
        if path.startswith('/allocations/'):
            return self._get_allocations(path[len('/allocations/'):])
        raise StandInUnsupported('GET %s' % url)

    def put(self, url, json=None, microversion=None, global_request_id=None, **kw):
        if url.startswith('/allocations/'):
            return self._put_allocations(url[len('/allocations/'):], json)
        raise StandInUnsupported('PUT %s' % url)

    def post(self, url, json=None, microversion=None, global_request_id=None, **kw):
        raise StandInUnsupported('POST %s' % url)

    def delete(self, url, microversion=None, global_request_id=None, **kw):
        if url.startswith('/allocations/'):
            return self._delete_allocations(url[len('/allocations/'):])
        raise StandInUnsupported('DELETE %s' % url)

    # -- GET /allocation_candidates ------------------------------------------------------------

    def _allocation_candidates(self, params):
        limit = None
        resources = None
        required, forbidden = set(), set()
        root_required, root_forbidden = set(), set()
        member_of = []          # list of sets: in one of each
        not_member_of = set()   # in none of these
        for key, value in params:
            if key == 'limit':
                limit = int(value)
            elif key == 'resources':
                resources = {}
                for part in value.split(','):
                    rc, sep, amount = part.partition(':')
                    if not sep or not amount.isdigit():
                        return _error(400, 'Badly formed resources parameter. Got: %r' % value)
                    resources[rc] = int(amount)
            elif key == 'required':
                r, f = _traits(value)
                required |= r
                forbidden |= f
            elif key == 'root_required':
                r, f = _traits(value)
                root_required |= r
                root_forbidden |= f
            elif key == 'member_of':
                if value.startswith('!in:'):
                    not_member_of |= set(value[4:].split(','))
                elif value.startswith('!'):
                    not_member_of.add(value[1:])
                else:
                    member_of.append(set(value[3:].split(',') if value.startswith('in:')
                                         else [value]))
            elif key == 'group_policy':
                pass  # only matters with numbered groups, which are refused below
            else:
                raise StandInUnsupported('allocation candidates query parameter %r' % key)
        if resources is None:
            return _error(400, 'There must be at least one resources or resources[$S] '
                               'parameter.')
        unknown = (required | forbidden | root_required | root_forbidden) - self.known_traits
        if unknown:
            return _error(400, 'No such trait(s): %s.' % ', '.join(sorted(unknown)))
        want = required | root_required
        avoid = forbidden | root_forbidden
        requests, summaries = [], {}
        for p in self.providers:
            if limit is not None and len(requests) >= limit:
                break
            if not all(p.fits(rc, n) for rc, n in resources.items()):
                continue
            if not want <= p.traits or avoid & p.traits:
                continue
            if any(not (aggs & p.aggregates) for aggs in member_of):
                continue
            if not_member_of & p.aggregates:
                continue
            requests.append({'allocations': {p.uuid: {'resources': dict(resources)}},
                             'mappings': {'': [p.uuid]}})
            summaries[p.uuid] = {
                'resources': {rc: {'capacity': p.capacity(rc), 'used': p.used[rc]}
                              for rc in p.inventory},
                'traits': sorted(p.traits),
                'parent_provider_uuid': None,
                'root_provider_uuid': p.uuid,
            }
        self.requests += 1
        return Response(200, {'allocation_requests': requests, 'provider_summaries': summaries})

    # -- allocations ---------------------------------------------------------------------------

    def _get_allocations(self, consumer):
        c = self.consumers.get(consumer)
        if c is None:
            return Response(200, {'allocations': {}})
        return Response(200, {
            'allocations': {rp: {'generation': self.by_uuid[rp].generation,
                                 'resources': dict(res)}
                            for rp, res in c['allocations'].items()},
            'consumer_generation': c['generation'],
            'project_id': c['project_id'], 'user_id': c['user_id']})

    def _put_allocations(self, consumer, body):
        current = self.consumers.get(consumer)
        expected = body.get('consumer_generation')
        if (current is None and expected is not None) or (
                current is not None and expected != current['generation']):
            return _error(409, 'consumer generation conflict - expected %s but got %s' % (
                None if current is None else current['generation'], expected),
                code='placement.concurrent_update')
        wanted = {rp: dict(a['resources']) for rp, a in (body.get('allocations') or {}).items()}
        # Placement replaces the consumer's allocations: its old ones do not count against it.
        if current is not None:
            self._take(current['allocations'], -1)
        for rp_uuid, res in wanted.items():
            p = self.by_uuid.get(rp_uuid)
            bad = None
            if p is None:
                bad = 'resource provider %s not found' % rp_uuid
            else:
                for rc, n in res.items():
                    if rc not in p.inventory:
                        bad = 'Inventory for %s on resource provider %s invalid.' % (rc, rp_uuid)
                    elif not p.fits(rc, n):
                        bad = ('Unable to allocate inventory: Unable to create allocation for '
                               "'%s' on resource provider '%s'. The requested amount would "
                               'exceed the capacity.' % (rc, rp_uuid))
                    if bad:
                        break
            if bad:
                if current is not None:
                    self._take(current['allocations'], +1)
                return _error(409, bad)
        if not wanted:
            self.consumers.pop(consumer, None)
            return Response(204)
        self._take(wanted, +1)
        self.consumers[consumer] = {
            'allocations': wanted,
            'generation': 0 if current is None else current['generation'] + 1,
            'project_id': body.get('project_id'), 'user_id': body.get('user_id')}
        return Response(204)

    def _delete_allocations(self, consumer):
        current = self.consumers.pop(consumer, None)
        if current is None:
            return _error(404, 'No allocations for consumer %s' % consumer)
        self._take(current['allocations'], -1)
        return Response(204)

    def _take(self, allocations, sign):
        for rp_uuid, res in allocations.items():
            p = self.by_uuid[rp_uuid]
            for rc, n in res.items():
                p.used[rc] += sign * n
            p.generation += 1

    # -- for the harness -------------------------------------------------------------------------

    def used(self, rp_uuid, rc):
        return self.by_uuid[rp_uuid].used.get(rc, 0)
