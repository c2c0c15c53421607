#!/usr/bin/env python3
"""The real kagentd's options: bad values from a flag, the environment or the
config file exit 2 naming the key; a positional argument that is no command
exits 2; --print-config masks credentials; --log-format=json writes JSON
lines; --help and the generated docs list every option."""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD, SOURCE, Checks, Server, make_mirror  # noqa: E402

KAGENTD = os.path.join(BUILD, "kagentd")
# Every flag of the hand-kept --help table this one replaced: none may go.
OLD_FLAGS = """host port data-dir competitions cache-dir kaggle-api-url max-download-bytes
max-unpacked-bytes max-unpack-ratio download-timeout download-retries database-url
allowed-hosts cors-origin rate-limit max-queued-per-key pg-dir pg-bin max-queued max-running
retry-after http-threads max-body max-in-flight max-websockets max-websockets-per-client
ws-queue-bytes ws-total-queue-bytes ws-stall-timeout sandbox sandbox-user cgroup stage-memory
process-limit tmp-size memory-limit cpu-limit max-output stage-timeout time-budget max-attempts
log-lines llm llm-url llm-model llm-timeout llm-max-tokens llm-repair-rounds stage-bin python
db-readers log-level role cluster-host cluster-port local-slots join slots node-name
cluster-cert cluster-key cluster-ca cluster-heartbeat cluster-timeout config-file""".split()

c = Checks()


def run(args, env=None, cwd=None):
    full = {k: v for k, v in os.environ.items()
            if not k.startswith("KAGENT_") and k != "DATABASE_URL"}
    full.update(env or {})
    return subprocess.run([KAGENTD] + args, capture_output=True, text=True, env=full,
                          cwd=cwd or tempfile.gettempdir(), timeout=60)


def refused(args, what, must_name, env=None):
    r = run(args, env)
    c.equal(r.returncode, 2, f"{what}: exit status (stderr: {r.stderr.strip()})")
    for part in must_name:
        c.check(part in r.stderr, f"{what}: the message names {part!r}: {r.stderr.strip()}")


# Bad values, from each source.
refused(["--port=70000"], "a port of 70000 as a flag", ["--port", "70000", "0 to 65535"])
refused([], "KAGENT_PORT=abc", ["KAGENT_PORT", "abc", "0 to 65535"], env={"KAGENT_PORT": "abc"})
refused(["--sandbox=docker"], "an unknown sandbox", ["--sandbox", "docker", "bwrap, process"])
refused(["--stage-memory=lots"], "a byte size that is no number", ["--stage-memory", "lots"])
refused(["--join=nohost"], "a join without a port", ["--join", "HOST:PORT"])
with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as f:
    f.write("; a config file\nport=8001\nmax-running=lots\n")
refused([f"--config-file={f.name}"], "a bad value in the config file",
        ["max-running", f"{f.name}:3", "lots", "1 to 4096"])
os.unlink(f.name)
refused(["--no-such-option=1"], "an unknown flag", ["--no-such-option"])

# A positional argument is a command or an error; `keys` still works.
refused(["foo"], "a positional argument", ["foo", "keys"])
refused(["--port=8001", "serve"], "a positional argument after a flag", ["serve"])
r = run(["keys", "--help"])
c.equal(r.returncode, 0, "kagentd keys --help still works")
c.check("kagentd keys create" in r.stdout, "keys --help prints its usage")

# --print-config: every option, its origin, credentials masked.
r = run(["--print-config", "--port=8123",
         "--llm-url=https://user:llmtoken@llm.example/v1"],
        env={"DATABASE_URL": "postgresql://kagent:s3cret-pw@db:5432/kagent",
             "KAGENT_MAX_RUNNING": "3", "OPENAI_API_KEY": "sk-never-printed"})
c.equal(r.returncode, 0, f"--print-config exits 0 (stderr: {r.stderr.strip()})")
out = r.stdout
for secret in ("s3cret-pw", "llmtoken", "sk-never-printed"):
    c.check(secret not in out, f"--print-config does not show {secret}")
c.check('database-url="postgresql://kagent:****@db:5432/kagent"  ; env DATABASE_URL' in out,
        "the database URL is shown masked, from the environment")
c.check("port=8123  ; flag" in out, "a flag's value and origin")
c.check("max-running=3  ; env KAGENT_MAX_RUNNING" in out, "an env value and origin")
c.check("cgroup=\"optional\"  ; default" in out, "a default's value and origin")
c.check("OPENAI_API_KEY=**** (set)" in out, "a credential variable is reported as set, masked")
printed = set(re.findall(r"^([a-z][a-z-]*)=", out, re.M))
for name in OLD_FLAGS:
    c.check(name in printed, f"--print-config shows {name}")

# Precedence: flag > env > file > default.
with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as f:
    f.write("port=8001\nmax-queued=11\nhttp-threads=3\n")
r = run([f"--config-file={f.name}", "--print-config", "--port=8003"],
        env={"KAGENT_PORT": "8002", "KAGENT_MAX_QUEUED": "12"})
os.unlink(f.name)
c.check("port=8003  ; flag" in r.stdout, "a flag beats the environment and the file")
c.check("max-queued=12  ; env KAGENT_MAX_QUEUED" in r.stdout, "the environment beats the file")
c.check(f"http-threads=3  ; file {f.name}:3" in r.stdout, "the file beats the default")

# The example config file loads as it is.
example = os.path.join(SOURCE, "config/kagentd.example.ini")
r = run([f"--config-file={example}", "--print-config"])
c.equal(r.returncode, 0, f"the example config file loads (stderr: {r.stderr.strip()})")

# --help lists every option; the generated files are current.
r = run(["--help"])
c.equal(r.returncode, 0, "--help exits 0")
for name in OLD_FLAGS + ["request-timeout", "kill-grace", "retry-backoff", "file-limit",
                         "bwrap", "log-format"]:
    c.check(f"--{name}=" in r.stdout, f"--help lists --{name}")
for flag, path in (("--help-markdown", "docs/OPTIONS.md"),
                   ("--help-ini", "config/kagentd.example.ini")):
    with open(os.path.join(SOURCE, path)) as f:
        current = f.read() == run([flag]).stdout
    c.check(current, f"{path} is what the table generates; regenerate it with "
                     f"build/kagentd {flag} > {path}")

# --log-format=json: every line kagentd writes is one JSON object.
mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-config-"), {"demo": ""})
os.chmod(mirror, 0o755)
s = Server(competitions=mirror, extra=["--log-format=json", "--log-level=info"]).start()
try:
    st = s.wait_done(s.submit("demo"), 120)
    c.equal(st["status"], "success", f"a job with json logs: {st.get('error_message')}")
finally:
    s.stop()
with open(s.log_path) as f:
    lines = [line for line in f.read().splitlines() if line.strip()]
c.check(len(lines) >= 3, f"kagentd logged something ({len(lines)} lines)")
for line in lines:
    try:
        obj = json.loads(line)
        c.check(isinstance(obj, dict) and {"time", "level", "logger", "message"} <= obj.keys(),
                f"a json log line has time, level, logger, message: {line}")
    except ValueError:
        c.check(False, f"a log line is JSON: {line}")
c.check(any("listening" in json.loads(line)["message"] for line in lines
            if line.startswith("{")), "the listening line is among them")

sys.exit(c.finish())
