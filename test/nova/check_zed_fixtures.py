#!/usr/bin/python3
"""Run zed_reference.py on every Zed fixture and compare with the hand-worked expectations.

    /usr/bin/python3 test/nova/check_zed_fixtures.py

zed-fixtures/NAME.{cluster.json,trace.csv[,config.json]} -> NAME.expected.csv (worked out by hand
in zed-fixtures/README.md). Then bad inputs: each must exit 2 with one line naming what is wrong.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, 'zed-fixtures')
REFERENCE = os.path.join(HERE, 'zed_reference.py')

HOST = {'name': 'a', 'vcpus': 4, 'memory_mb': 4096, 'disk_gb': 10}
TRACE_HEAD = 'time,event,id,vcpus,memory_mb,disk_gb,extra_specs,image_props\n'

# (name, cluster, trace, config or None, text the error line must hold)
BAD_INPUTS = [
    ('field count', {'hosts': [HOST]}, TRACE_HEAD + '0,create,x,1,512,0,,,extra\n',
     None, 'trace.csv line 2: 9 fields, the header has 8'),
    ('image_props key', {'hosts': [HOST]}, TRACE_HEAD + '0,create,x,1,512,0,,os_distro=ubuntu\n',
     None, 'trace.csv line 2: image_props: "os_distro=ubuntu"'),
    ('image_props value', {'hosts': [HOST]}, TRACE_HEAD + '0,create,x,1,512,0,,hw_vm_mode=pvh\n',
     None, 'trace.csv line 2: image_props:'),
    ('trait value', {'hosts': [HOST]}, TRACE_HEAD + '0,create,x,1,512,0,trait:CUSTOM_X=yes,\n',
     None, 'trace.csv line 2: extra_specs: trait:CUSTOM_X=yes'),
    ('stats and traits', {'hosts': [dict(HOST, stats={'a': 1}, traits={'a': 1})]},
     TRACE_HEAD, None, 'cluster.json: host a: give "stats" or its older name "traits"'),
    ('metric name', {'hosts': [dict(HOST, metrics={'cpu.speed': 1})]}, TRACE_HEAD, None,
     'cluster.json: host a: metrics: "cpu.speed"'),
    ('metric value', {'hosts': [dict(HOST, metrics={'cpu.frequency': 1.5})]}, TRACE_HEAD, None,
     'cluster.json: host a: metrics: "cpu.frequency" must be an integer'),
    ('supported_instances', {'hosts': [dict(HOST, supported_instances=[['vax', 'qemu', 'hvm']])]},
     TRACE_HEAD, None, 'cluster.json: host a: supported_instances:'),
    ('multi_create each', {'hosts': [HOST]}, TRACE_HEAD, {'multi_create': 'each'},
     'multi_create: Zed mode is all-or-nothing'),
    ('unknown weigher', {'hosts': [HOST]}, TRACE_HEAD, {'weighers': ['NumInstancesWeigher']},
     'config.json: weighers: unknown weigher(s) NumInstancesWeigher'),
    ('classic filter', {'hosts': [HOST]}, TRACE_HEAD, {'filters': ['RamFilter']},
     'config.json: filters: Scheduler Host Filter RamFilter could not be found.'),
    ('unknown config key', {'hosts': [HOST]}, TRACE_HEAD, {'ram_ratio': 2},
     'config.json: unknown config keys: ram_ratio'),
]


def run(cluster, trace, config, out):
    cmd = ['/usr/bin/python3', REFERENCE, '--cluster', cluster, '--trace', trace,
           '--placements', out]
    if config:
        cmd += ['--config', config]
    return subprocess.run(cmd, capture_output=True, text=True)


def main():
    failures = 0
    for cluster in sorted(glob.glob(os.path.join(FIX, '*.cluster.json'))):
        name = os.path.basename(cluster)[:-len('.cluster.json')]
        base = os.path.join(FIX, name)
        config = base + '.config.json' if os.path.exists(base + '.config.json') else None
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'out.csv')
            r = run(cluster, base + '.trace.csv', config, out)
            got = open(out).read() if r.returncode == 0 else 'exit %d: %s' % (
                r.returncode, r.stderr)
        with open(base + '.expected.csv') as f:
            want = f.read()
        ok = got == want
        failures += not ok
        print('%-4s %s' % ('ok' if ok else 'FAIL', name))
        if not ok:
            print('  expected:\n' + want + '  got:\n' + got)
    for name, cluster, trace, config, needle in BAD_INPUTS:
        with tempfile.TemporaryDirectory() as tmp:
            paths = {}
            for key, text in (('cluster.json', json.dumps(cluster)), ('trace.csv', trace),
                              ('config.json', json.dumps(config) if config else None)):
                if text is not None:
                    paths[key] = os.path.join(tmp, key)
                    with open(paths[key], 'w') as f:
                        f.write(text)
            r = run(paths['cluster.json'], paths['trace.csv'], paths.get('config.json'),
                    os.path.join(tmp, 'out.csv'))
        lines = r.stderr.strip().splitlines()
        ok = r.returncode == 2 and len(lines) == 1 and needle in lines[0]
        failures += not ok
        print('%-4s bad input: %s' % ('ok' if ok else 'FAIL', name))
        if not ok:
            print('  exit %d, stderr: %s' % (r.returncode, r.stderr))
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
