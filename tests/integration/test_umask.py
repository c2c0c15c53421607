#!/usr/bin/env python3
"""kagentd started under a strict umask (077, as some service managers and
container entry points set) still runs stages: the directories it prepares
for the sandbox user must not depend on the umask it inherited (seen in a
container: bwrap "Can't find source path /run/kagent/competition/data")."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import Checks, Server, make_mirror  # noqa: E402

c = Checks()
mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-umask-"), {"demo": ""})
os.chmod(mirror, 0o755)
s = Server(competitions=mirror, preexec=lambda: os.umask(0o077)).start()
try:
    st = s.wait_done(s.submit("demo"), 120)
    c.equal(st["status"], "success", f"a job under umask 077: {st.get('error_message')}")
finally:
    s.stop()
sys.exit(c.finish())
