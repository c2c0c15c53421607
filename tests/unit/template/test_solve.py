"""The whole program on small synthetic competitions: the race, the
self-check and the fallbacks, read back from metrics.json."""
import argparse
import json
import os
import tempfile
import time
import unittest

import numpy as np
import pandas as pd

from template_loader import load

S = load()


def make_competition(n=400, signal=True, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n + 100, 3)
    y = (x[:, 0] + 0.3 * rng.randn(n + 100) > 0).astype(int) if signal else rng.randint(0, 2, n + 100)
    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, "data"))
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    frame.insert(0, "id", np.arange(n + 100))
    train = frame.iloc[:n].assign(target=y[:n])
    test = frame.iloc[n:]
    train.to_csv(os.path.join(root, "data", "train.csv"), index=False)
    test.to_csv(os.path.join(root, "data", "test.csv"), index=False)
    pd.DataFrame({"id": test["id"], "target": 0}).to_csv(os.path.join(root, "data", "sample.csv"), index=False)
    return root


def profile(metric="auc", output="probability"):
    return {
        "files": {"train": {"path": "data/train.csv", "format": "csv"},
                  "test": {"path": "data/test.csv", "format": "csv"},
                  "sample_submission": {"path": "data/sample.csv", "format": "csv"}},
        "task": "binary_classification", "metric": {"name": metric, "higher_is_better": True},
        "id_column": "id", "train_id_column": "id",
        "targets": [{"submission_column": "target", "train_column": "target", "classes": ["0", "1"],
                     "positive_label": "1"}],
        "submission": {"header": ["id", "target"], "output": output, "per_class_columns": False},
    }


def plan(budget=30, candidates=None):
    return {"seed": 42, "time_budget_seconds": budget, "cv": {"folds": 3, "max_rows": 200000},
            "blend": {"enabled": True, "max_members": 3},
            "candidates": candidates or [
                {"name": "hgb", "model": "hist_gradient_boosting", "features": "base"},
                {"name": "linear", "model": "logistic_regression", "features": "rich"},
                {"name": "svm", "model": "svm", "features": "base", "requires": "small"}]}


def run(root, prof, pl):
    S.PROFILE, S.PLAN = prof, pl
    S.SEED = 42
    S.START = time.time()
    job = tempfile.mkdtemp()
    args = argparse.Namespace(competition=root, job=job)
    try:
        if prof.get("fallback"):
            raise ValueError(prof["fallback"])
        S.solve(args)
    except Exception as e:
        S.write_fallback(root, job, str(e))
    return json.load(open(os.path.join(job, "metrics.json"))), pd.read_csv(os.path.join(job, "submission.csv"))


class SolveTest(unittest.TestCase):
    def test_a_learnable_task_beats_the_constant_and_says_ok(self):
        metrics, sub = run(make_competition(), profile(), plan())
        self.assertEqual(metrics["self_check"]["verdict"], "ok")
        self.assertGreater(metrics["cv_score"], metrics["constant"]["cv_score"] + 0.2)
        self.assertEqual(list(sub.columns), ["id", "target"])
        self.assertTrue(((sub["target"] > 0) & (sub["target"] < 1)).all())
        self.assertEqual(metrics["candidates"][0]["name"], "hgb")  # the baseline runs first

    def test_pure_noise_is_reported_as_near_the_constant(self):
        metrics, _ = run(make_competition(signal=False), profile(), plan())
        self.assertIn(metrics["self_check"]["verdict"], ("near_trivial", "worse_than_trivial"))
        self.assertTrue(metrics["self_check"]["message"])

    def test_a_candidate_too_costly_for_its_share_is_skipped_with_the_reason(self):
        cands = [{"name": "hgb", "model": "hist_gradient_boosting", "features": "base"},
                 {"name": "trees", "model": "extra_trees", "features": "base", "params": {"n_estimators": 200000}}]
        metrics, _ = run(make_competition(), profile(), plan(budget=20, candidates=cands))
        trees = next(c for c in metrics["candidates"] if c["name"] == "trees")
        self.assertTrue(trees["status"].startswith(("skipped", "stopped")), trees["status"])
        self.assertLess(metrics["elapsed_seconds"], 40)

    def test_an_unusable_profile_still_writes_the_prior(self):
        prof = profile()
        prof["fallback"] = "could not tell the target"
        metrics, sub = run(make_competition(), prof, plan())
        self.assertEqual(metrics["self_check"]["verdict"], "fallback")
        self.assertEqual(len(sub), 100)
        self.assertEqual(sub["target"].nunique(), 1)

    def test_labels_are_written_for_a_label_metric(self):
        metrics, sub = run(make_competition(), profile("f1", "label"), plan())
        self.assertTrue(set(sub["target"]) <= {0, 1})
        self.assertIsNotNone(metrics["decision"])


class DeadlineTest(unittest.TestCase):
    def test_the_deadline_interrupts_running_python_code(self):
        t0 = time.time()
        with self.assertRaises(S.Overtime):
            with S.Deadline(0.2):
                while True:
                    sum(range(1000))
        self.assertLess(time.time() - t0, 2.0)


class XgboostClassesTest(unittest.TestCase):
    def test_xgboost_fits_a_fold_that_misses_a_class(self):
        root = make_competition()
        train = pd.read_csv(os.path.join(root, "data", "train.csv"))
        train["target"] = train["target"] * 2  # classes 0 and 2: class 1 never occurs
        train.to_csv(os.path.join(root, "data", "train.csv"), index=False)
        prof = profile("logloss")
        prof["task"] = "multiclass_classification"
        prof["targets"][0]["classes"] = ["0", "1", "2"]
        cands = [{"name": "xgb", "model": "xgboost", "features": "base"}]
        metrics, sub = run(root, prof, plan(candidates=cands))
        self.assertEqual(metrics["candidates"][0]["status"], "done", metrics["candidates"][0]["status"])


if __name__ == "__main__":
    unittest.main()
