#!/usr/bin/python3
"""reference.py on several cases with one import of Nova.

    /usr/bin/python3 test/nova/reference_batch.py [--jobs N] MANIFEST.json

MANIFEST is a JSON list of cases, each {"name": NAME (no white space), "cluster": C.json,
"trace": T.csv, "config": CFG.json (optional), "placements": OUT.csv}. Importing Nova costs about
two seconds a process; here it is paid once, and each case runs `reference.main` in a child forked
from the process that imported it, so nothing one case sets (CONF overrides, the InstanceGroup
stubs, `random`'s state, the classes' caches) reaches another: every placements file is the one
`reference.py` writes for that case alone. Up to N children (default 1) run at once, started in
manifest order. One line per finished case on stdout, in the order they finish: `ok NAME SECONDS`
or `failed NAME EXIT_CODE` (the child's own stderr goes to this stderr). Exit 0 when every case
succeeded, 1 otherwise, 2 on a bad manifest.
"""

import argparse
import json
import os
import signal
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402  (imports Nova: the cost this script pays once)


def _die_with_parent():
    """Linux: the child gets SIGTERM when the batch dies (a test runner's timeout kills only the
    process it started)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _run_child(case):
    """In the forked child: reference.py's main on the case; never returns."""
    code = 1
    try:
        _die_with_parent()
        argv = ['--cluster', case['cluster'], '--trace', case['trace'],
                '--placements', case['placements']]
        if case.get('config'):
            argv += ['--config', case['config']]
        code = reference.main(argv) or 0
    except SystemExit as e:  # argparse, load_config: as the interpreter reports them
        if e.code is None or isinstance(e.code, int):
            code = e.code or 0
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def load_manifest(path):
    with open(path, encoding='utf-8') as f:
        cases = json.load(f)
    if not isinstance(cases, list):
        raise ValueError('a JSON list of cases')
    for i, c in enumerate(cases):
        missing = [k for k in ('name', 'cluster', 'trace', 'placements')
                   if not isinstance(c, dict) or not isinstance(c.get(k), str)]
        if missing:
            raise ValueError('case %d: missing %s' % (i, ', '.join(missing)))
        if c['name'] == '' or c['name'].split() != [c['name']]:
            raise ValueError('case %d: a name without white space' % i)
    return cases


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--jobs', type=int, default=1)
    ap.add_argument('manifest')
    args = ap.parse_args(argv)
    try:
        cases = load_manifest(args.manifest)
    except (OSError, ValueError) as e:
        print('%s: %s' % (args.manifest, e), file=sys.stderr)
        return 2
    jobs = max(1, args.jobs)

    running = {}  # pid -> (case, start time)
    pending = list(cases)
    failed = 0
    while pending or running:
        while pending and len(running) < jobs:
            case = pending.pop(0)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _run_child(case)
            running[pid] = (case, time.monotonic())
        pid, status = os.waitpid(-1, 0)
        if pid not in running:
            continue
        case, start = running.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        if code == 0:
            print('ok %s %.2f' % (case['name'], time.monotonic() - start), flush=True)
        else:
            failed += 1
            print('failed %s %d' % (case['name'], code), flush=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
