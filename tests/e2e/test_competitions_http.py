#!/usr/bin/python3
"""End to end through the HTTP API: real stages on real development
competitions, each submission downloaded and graded valid by grade.py, and
better than the competition's trivial baseline."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../integration"))
from harness import Checks, Server, shared_dir_or_skip  # noqa: E402

COMPETITIONS = os.environ.get(
    "KAGENT_E2E_COMPETITIONS",
    "titanic-survival-1309 vehicle-silhouettes chicago-l-ridership employee-attrition").split()


def main():
    c = Checks()
    comps = shared_dir_or_skip("competitions")
    baselines = json.load(open(os.path.join(comps, "baselines.json")))["competitions"]
    srv = Server(competitions=comps, fake=False, extra=["--max-running=2"]).start(timeout=120)
    try:
        jobs = {slug: srv.submit(slug) for slug in COMPETITIONS}
        for slug, job in jobs.items():
            st = srv.wait_done(job, timeout=600)
            c.equal(st["status"], "success", f"{slug}: job succeeds ({st.get('error_message')})")
            if st["status"] != "success":
                continue
            r = srv.get(f"/result/{job}/submission.csv")
            c.equal(r.status, 200, f"{slug}: submission served")
            with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as f:
                f.write(r.body)
            out = subprocess.run(["/usr/bin/python3", os.path.join(comps, "grade.py"),
                                  os.path.join(comps, slug), f.name],
                                 capture_output=True, text=True)
            grade = json.loads(out.stdout.strip().splitlines()[-1])
            c.check(grade["valid"], f"{slug}: graded valid ({grade.get('reason')})")
            meta = st["metadata"]
            c.check(meta.get("chosen_model") and isinstance(meta.get("cv_score"), (int, float)),
                    f"{slug}: status shows the chosen model and its CV score ({meta})")
            logs = srv.get(f"/logs/{job}").json()["logs"]
            c.check(" fold 5/5 " in json.dumps(logs),
                    f"{slug}: progress reports each cross-validation fold")
            base = baselines[slug]
            better = (grade["score"] > base["trivial"]) if base["higher_is_better"] \
                else (grade["score"] < base["trivial"])
            c.check(better, f"{slug}: score {grade['score']} beats trivial {base['trivial']}")
            print(f"{slug}: {grade['metric']}={grade['score']:.4f} (trivial {base['trivial']}, "
                  f"quick model {base['quick_model']}) cv={st['metadata'].get('cv_score')} "
                  f"model={st['metadata'].get('chosen_model')}", flush=True)
    finally:
        srv.stop()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
