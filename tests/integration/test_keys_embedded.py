#!/usr/bin/env python3
"""`kagentd keys` on the embedded database (no --database-url): it must
start the cluster in <data-dir>/pg. It once passed PostgreSQL's program
directory where the cluster directory belongs and, as root, emptied it as
an "incomplete cluster" (initdb and postgres gone). Here the programs are a
private directory of links, so a regression empties that, not the host's."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD, Checks  # noqa: E402

c = Checks()
real = "/usr/lib/postgresql/15/bin"
tmp = tempfile.mkdtemp(prefix="kagent-keys-")
os.chmod(tmp, 0o755)
bindir = os.path.join(tmp, "pgbin")
os.mkdir(bindir)
for name in os.listdir(real):
    os.symlink(os.path.join(real, name), os.path.join(bindir, name))
before = sorted(os.listdir(bindir))
data = os.path.join(tmp, "data")
kagentd = os.path.join(BUILD, "kagentd")
common = [f"--data-dir={data}", f"--pg-bin={bindir}"]

made = subprocess.run([kagentd, "keys", "create", "--name=ops", *common], capture_output=True,
                      text=True, timeout=120)
c.equal(made.returncode, 0, f"keys create on the embedded database: {made.stderr.strip()}")
c.equal(sorted(os.listdir(bindir)), before, "PostgreSQL's program directory is left alone")
c.check(os.path.exists(os.path.join(data, "pg", "data", "PG_VERSION"))
        or os.path.exists(os.path.join(data, "pg", "PG_VERSION")),
        f"the cluster is made in <data-dir>/pg: {os.listdir(os.path.join(data, 'pg')) if os.path.isdir(os.path.join(data, 'pg')) else 'none'}")
listed = subprocess.run([kagentd, "keys", "list", *common], capture_output=True, text=True,
                        timeout=120)
c.check(listed.returncode == 0 and "ops" in listed.stdout,
        f"the key is listed afterwards: {listed.stdout.strip()} {listed.stderr.strip()}")
sys.exit(c.finish())
