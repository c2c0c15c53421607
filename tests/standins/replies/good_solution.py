#!/usr/bin/env python3
"""A scripted LLM reply: a small generic solution. Reads the sample
submission, train and test from C/data, predicts every sample column that
train has with a decision tree on the numeric columns train and test share
(the majority label / the mean when there are none), and writes
J/submission.csv and J/metrics.json with progress lines."""
import argparse
import json
import os

import pandas as pd

MARKER = "standin-program good"


def emit(p, m):
    print(json.dumps({"progress": p, "message": m}), flush=True)


def table(data, word):
    for name in sorted(os.listdir(data)):
        if word in name.lower() and name.lower().endswith(".csv"):
            return pd.read_csv(os.path.join(data, name))
    raise FileNotFoundError(f"no {word} table in {data}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--competition", required=True)
    ap.add_argument("--job", required=True)
    a = ap.parse_args()
    print(MARKER, flush=True)
    data = os.path.join(a.competition, "data")
    sample, train, test = table(data, "sample"), table(data, "train"), table(data, "test")
    emit(0.2, f"read {len(train)} train rows, {len(test)} test rows")
    key = sample.columns[0]
    test = test.set_index(key).reindex(sample[key]).reset_index()
    feats = [c for c in test.columns if c in train.columns and c != key
             and pd.api.types.is_numeric_dtype(train[c])]
    sub = sample[[key]].copy()
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
    for target in sample.columns[1:]:
        y = train[target]
        label = y.dtype == object or y.nunique() <= 20
        if feats:
            model = (DecisionTreeClassifier if label else DecisionTreeRegressor)(max_depth=4, random_state=0)
            model.fit(train[feats].fillna(0), y)
            sub[target] = model.predict(test[feats].fillna(0))
        else:
            sub[target] = y.mode()[0] if label else y.mean()
        emit(0.5, f"fitted {target}")
    sub.to_csv(os.path.join(a.job, "submission.csv"), index=False)
    json.dump({"metric": "accuracy", "higher_is_better": True, "chosen": "decision_tree",
               "cv_score": None, "candidates": [{"name": "tree", "model": "decision_tree",
                                                 "cv_score": None, "status": "done"}]},
              open(os.path.join(a.job, "metrics.json"), "w"))
    emit(1.0, "submission.csv written")


if __name__ == "__main__":
    main()
