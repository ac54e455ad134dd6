#!/usr/bin/python3
"""Run reference.py on every fixture and compare with the hand-worked expectations.

    /usr/bin/python3 test/nova/check_fixtures.py

fixtures/NAME.{cluster.json,trace.csv[,config.json]} -> NAME.expected.csv
"""
import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, 'fixtures')


def main():
    failures = 0
    for cluster in sorted(glob.glob(os.path.join(FIX, '*.cluster.json'))):
        name = os.path.basename(cluster)[:-len('.cluster.json')]
        base = os.path.join(FIX, name)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'out.csv')
            cmd = ['/usr/bin/python3', os.path.join(HERE, 'reference.py'),
                   '--cluster', cluster, '--trace', base + '.trace.csv', '--placements', out]
            if os.path.exists(base + '.config.json'):
                cmd += ['--config', base + '.config.json']
            subprocess.run(cmd, check=True)
            with open(out) as f:
                got = f.read()
        with open(base + '.expected.csv') as f:
            want = f.read()
        ok = got == want
        failures += not ok
        print('%-4s %s' % ('ok' if ok else 'FAIL', name))
        if not ok:
            print('  expected:\n' + want + '  got:\n' + got)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
