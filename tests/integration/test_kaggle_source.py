#!/usr/bin/python3
"""Competitions from the Kaggle API, against the stand-in Kaggle (two hosts:
API and signed storage) and a real PostgreSQL: a slug in no mirror is
downloaded, unpacked into the cache and solved to a valid submission; two
jobs for one slug cause one download; a broken transfer resumes with Range;
429 is waited out; 401, 403 (rules) and 404 fail the job with their precise
message; unsafe archives are refused; the key appears nowhere (database
dump, job directories, cache, logs, the stages' environment); and a finished
job's submission can be sent to Kaggle."""
import io
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "standins"))
from harness import DATABASE_URL, SOURCE, Checks, Server, make_mirror  # noqa: E402
from kaggle_standin import Competition, KaggleStandin  # noqa: E402

IRIS = os.path.join(SOURCE, "examples/competitions/iris-species/public")
USER = "kagent-tester"


def zip_of(files):
    """A zip (deflated) of {name: bytes}."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def iris_zip(extra=None):
    files = {}
    for name in sorted(os.listdir(IRIS)):
        with open(os.path.join(IRIS, name), "rb") as f:
            files[name] = f.read()
    files.update(extra or {})
    return zip_of(files)


def symlink_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("train.csv", "id,y\n1,0\n")
        info = zipfile.ZipInfo("link.csv")
        info.create_system = 3
        info.external_attr = (0o120777 << 16)
        z.writestr(info, "/etc/passwd")
    return buf.getvalue()


def bomb_zip():
    # 100 MiB of zeros deflate to ~100 KiB: far beyond 200 x the archive.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("train.csv", "w") as f:
            block = b"0" * (1 << 20)
            for _ in range(100):
                f.write(block)
    return buf.getvalue()


def events(srv, job):
    r = srv.get(f"/logs/{job}")
    return r.json()["logs"] if r.status == 200 else ""


def with_env(env, fn):
    """Runs fn with os.environ changed (kagentd inherits it), then restores it."""
    saved = {k: os.environ.get(k) for k in env}
    for k, v in env.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    try:
        return fn()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def main():
    if not DATABASE_URL:
        print("KAGENT_TEST_DATABASE_URL is not set: run scripts/test.sh", flush=True)
        return 1
    c = Checks()
    key = "kgl" + secrets.token_hex(16)
    conf = tempfile.mkdtemp(prefix="kagent-kaggle-conf-")
    with open(os.path.join(conf, "kaggle.json"), "w") as f:
        json.dump({"username": USER, "key": key}, f)
    os.chmod(os.path.join(conf, "kaggle.json"), 0o600)
    iris = dict(title="Iris Species", description="Predict the species of an iris flower.",
                metric="Categorization Accuracy")
    kaggle = KaggleStandin(USER, key, [
        Competition("kg-iris", iris_zip(), **iris),
        Competition("kg-twice", iris_zip(), behaviors={"slow"}, **iris),
        Competition("kg-dropped", iris_zip(), behaviors={"drop"}, **iris),
        Competition("kg-busy", iris_zip(), behaviors={"rate_limit", "expire"}, **iris),
        Competition("kg-rules", iris_zip(), behaviors={"rules"}, **iris),
        Competition("kg-links", symlink_zip(), **iris),
        Competition("kg-escape", zip_of({"../escape.csv": b"id\n1\n", "train.csv": b"id\n1\n"}), **iris),
        Competition("kg-bomb", bomb_zip(), **iris),
        Competition("kg-probe", iris_zip({"BEHAVIOR": f"probe {conf}/kaggle.json\n".encode()}), **iris),
    ]).start()
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"), {"mirrored": ""})
    servers = []
    try:
        run_checks(c, kaggle, key, conf, mirror, servers)
    finally:
        for s in servers:
            s.stop()
        kaggle.stop()
    return c.finish()


def start(servers, mirror, kaggle, env, fake, extra=()):
    args = [f"--kaggle-api-url={kaggle.api_url}", "--log-level=debug", "--download-retries=3",
            *extra]
    srv = Server(competitions=mirror, fake=fake, extra=args)
    servers.append(srv)
    return with_env(env, srv.start)


def run_checks(c, kaggle, key, conf, mirror, servers):
    no_env = {"KAGGLE_USERNAME": None, "KAGGLE_KEY": None, "KAGGLE_API_ENDPOINT": None}
    # --- A: real stages, credentials from kaggle.json ------------------------
    a = start(servers, mirror, kaggle, {**no_env, "KAGGLE_CONFIG_DIR": conf}, fake=False,
              extra=["--time-budget=10", "--stage-timeout=300"])
    job = a.submit("kg-iris")
    done = a.wait_done(job, timeout=600)
    c.equal(done["status"], "success", f"a downloaded competition is solved ({done.get('progress')})")
    r = a.get(f"/result/{job}/submission.csv")
    lines = r.body.decode().splitlines()
    c.equal(r.status, 200, "its submission can be downloaded")
    c.equal(lines[0] if lines else "", "id,species", "submission header as the sample's")
    c.equal(len(lines), 46, "one submission row per test row")
    logs = events(a, job)
    c.check("downloading" in logs and " MB" in logs, "progress events say 'downloading N / M MB'")
    c.check("downloaded from the Kaggle API" in logs, "an event says where the files came from")
    cache = os.path.join(a.data_dir, "cache", "kg-iris")
    c.check(os.path.isfile(os.path.join(cache, "public", "train.csv")), "cache entry has public/train.csv")
    with open(os.path.join(cache, "description.md")) as f:
        desc = f.read()
    c.check("## Evaluation" in desc and "Categorization Accuracy" in desc,
            "description.md carries the API's evaluation metric")
    prof = json.loads(subprocess.run(
        ["psql", DATABASE_URL, "-At", "-c",
         "SELECT convert_from(content, 'UTF8') FROM job_stage_files "
         f"WHERE job_id = '{job}' AND stage = 'analyze' AND name = 'profile.json'"],
        capture_output=True, text=True).stdout or "{}")
    metric = prof.get("metric") or {}
    c.equal((metric.get("name"), metric.get("source")), ("accuracy", "evaluation"),
            "the metric is read from the downloaded description's Evaluation section")
    st = kaggle.stats.snapshot()
    c.equal(st["download_all"].get("kg-iris"), 1, "one download-all request")
    c.equal(st["storage_auth"], [], "no credentials ever reached the storage host")
    c.check(all(ok for (_, p, ok) in st["api"] if p.startswith("/api/v1/")),
            "every API request carried the right Basic credentials")
    job2 = a.submit("kg-iris")
    a.wait_for(job2, lambda s: s["status"] in ("running", "success", "failed"), timeout=60)
    c.check("from the download cache" in events(a, job2) or a.wait_done(job2, 600) and
            "from the download cache" in events(a, job2), "a second job is served from the cache")
    c.equal(kaggle.stats.snapshot()["download_all"].get("kg-iris"), 1, "the cache spares a download")
    # Optional: the finished job's submission goes to Kaggle.
    r = a.post_json(f"/jobs/{job}/submit", {"message": "kagent test run"})
    c.equal(r.status, 200, f"POST /jobs/{{id}}/submit ({r.body[:200]!r})")
    subs = kaggle.stats.snapshot()["submissions"]
    c.check(len(subs) == 1 and subs[0]["description"] == "kagent test run"
            and subs[0]["csv"].encode() == r_body(a, job), "Kaggle got the submission and message")
    meta = a.get(f"/status/{job}").json()["metadata"]
    c.equal(meta.get("kaggle_submission", {}).get("message"), "Successfully submitted to Iris Species",
            "Kaggle's answer is recorded on the job")
    c.equal(kaggle.stats.snapshot()["storage_auth"], [], "the upload carried no credentials either")

    # --- B: fake stages, credentials from the environment -----------------------
    b = start(servers, mirror, kaggle, {"KAGGLE_USERNAME": USER, "KAGGLE_KEY": key,
                                        "KAGGLE_CONFIG_DIR": conf}, fake=True)
    t1, t2 = b.submit("kg-twice"), b.submit("kg-twice")
    s1, s2 = b.wait_done(t1), b.wait_done(t2)
    c.check(s1["status"] == s2["status"] == "success", "two jobs for one slug both succeed")
    c.equal(kaggle.stats.snapshot()["download_all"].get("kg-twice"), 1,
            "two jobs for one slug cause ONE download")
    c.equal(len([g for g in kaggle.stats.snapshot()["storage_gets"] if g[0] == "kg-twice"]), 1,
            "and one storage transfer")
    job = b.submit("kg-dropped")
    c.equal(b.wait_done(job)["status"], "success", "a dropped transfer is resumed")
    gets = [g for g in kaggle.stats.snapshot()["storage_gets"] if g[0] == "kg-dropped"]
    size = len(kaggle.competitions["kg-dropped"].zip_bytes)
    c.check(len(gets) == 2 and gets[0][1] == "" and gets[1][1] == f"bytes={size // 2}-",
            f"the second request asks for the missing bytes with Range ({gets})")
    c.equal(kaggle.stats.snapshot()["bytes_served"].get("kg-dropped"), size,
            "no byte is fetched twice")
    job = b.submit("kg-busy")
    c.equal(b.wait_done(job)["status"], "success", "429 with Retry-After and an expired URL are waited out")
    c.equal(kaggle.stats.snapshot()["rate_limited"].get("kg-busy"), 2, "after two 429s")
    expect_error(c, b, "kg-rules", [
        "403 - Forbidden - You must accept this competition's rules before you'll be able to download files.",
        "https://www.kaggle.com/competitions/kg-rules/rules", USER], "403 rules")
    expect_error(c, b, "kg-nowhere", ["404 - Not Found", "Kaggle has no competition 'kg-nowhere'",
                                      mirror, "download cache"], "404")
    expect_error(c, b, "kg-links", ["is a link"], "an archive with a symlink")
    expect_error(c, b, "kg-escape", ["escapes the directory"], "an archive with ../")
    expect_error(c, b, "kg-bomb", ["zip bomb"], "a zip bomb")
    c.check(not os.path.exists(os.path.join(b.data_dir, "cache", "escape.csv"))
            and not os.path.exists(os.path.join(b.data_dir, "escape.csv")), "nothing escaped")
    for slug in ("kg-links", "kg-escape", "kg-bomb"):
        c.check(not os.path.exists(os.path.join(b.data_dir, "cache", slug)),
                f"a refused archive leaves no cache entry ({slug})")
    job = b.submit("kg-probe")
    c.equal(b.wait_done(job)["status"], "success", "the probing stage ran")
    logs = events(b, job)
    c.check("probe env:" in logs, "the probe printed its environment")
    c.check("KAGGLE" not in logs.replace("kg-probe", ""), "no KAGGLE_* variable inside the sandbox")
    r = b.get("/status/" + b.submit("mirrored"))
    c.equal(b.wait_done(r.json()["job_id"])["status"], "success", "mirrors still come first")

    # --- C: a wrong key ----------------------------------------------------------
    cc = start(servers, mirror, kaggle, {"KAGGLE_USERNAME": USER, "KAGGLE_KEY": "wrong-key",
                                         "KAGGLE_CONFIG_DIR": conf}, fake=True)
    expect_error(c, cc, "kg-iris", ["401 - Unauthorized", "KAGGLE_KEY", USER], "401")

    # --- D: no credentials at all: the offline default ------------------------
    d = start(servers, mirror, kaggle, {**no_env, "KAGGLE_CONFIG_DIR": tempfile.mkdtemp()}, fake=True)
    job = d.submit("kg-iris")
    s = d.wait_done(job)
    c.equal(s["status"], "failed", "without credentials an unknown slug fails")
    want = (f"competition 'kg-iris' is not in the local mirrors ({mirror}) and no Kaggle API "
            "credentials are configured")
    c.equal(d.get(f"/status/{job}").json()["metadata"].get("message"), want,
            "with the same message as before (naming both sources)")
    r = d.post_json(f"/jobs/{job}/submit", {})
    c.equal(r.status, 400, "POST /jobs/{id}/submit of an unfinished job is 400")
    mirrored = d.submit("mirrored")
    d.wait_done(mirrored)
    r = d.post_json(f"/jobs/{mirrored}/submit", {})
    c.equal(r.status, 409, "without credentials POST /jobs/{id}/submit is 409")

    # --- the key appears nowhere -------------------------------------------------
    for s in servers:
        s.stop()
    dump = subprocess.run(["pg_dump", DATABASE_URL], capture_output=True, text=True, check=True).stdout
    c.check(len(dump) > 1000 and key not in dump and key.encode().hex() not in dump,
            "the key is not in the database dump (as text or as bytea hex)")
    hits = subprocess.run(["grep", "-rl", key] + [s.data_dir for s in servers],
                          capture_output=True, text=True).stdout
    c.equal(hits, "", "the key is in no job directory, cache entry or log")
    c.check(all(os.path.getsize(s.log_path) > 0 for s in servers), "the logs were written (debug level)")


def r_body(srv, job):
    return srv.get(f"/result/{job}/submission.csv").body


def expect_error(c, srv, slug, parts, what):
    job = srv.submit(slug)
    s = srv.wait_done(job)
    c.equal(s["status"], "failed", f"{what}: the job fails")
    msg = s["metadata"].get("message", "")
    print(f"{what}: {msg}", flush=True)
    for p in parts:
        c.check(p in msg, f"{what}: the error says {p!r}: {msg}")


if __name__ == "__main__":
    sys.exit(main())
