#!/usr/bin/python3
"""Writes the bundled example competitions under examples/competitions/.

Each is built from a data set that ships inside Debian's python3-sklearn, with
a fixed seed, in the layout of the shared development set:

    <slug>/description.md          URL on line 1, ## Evaluation, ## Submission File
    <slug>/public/train.csv, test.csv, sample_submission.csv
    <slug>/private/answers.csv     the hidden test answers, in submission format

Run: /usr/bin/python3 scripts/make-examples.py   (rerunning gives the same files)
"""
import os
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.model_selection import train_test_split

SEED = 7
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "competitions")


def write(slug, title, overview, evaluation, submission, train, test, sample, answers):
    base = os.path.join(ROOT, slug)
    os.makedirs(os.path.join(base, "public"), exist_ok=True)
    os.makedirs(os.path.join(base, "private"), exist_ok=True)
    train.to_csv(os.path.join(base, "public", "train.csv"), index=False)
    test.to_csv(os.path.join(base, "public", "test.csv"), index=False)
    sample.to_csv(os.path.join(base, "public", "sample_submission.csv"), index=False)
    answers.to_csv(os.path.join(base, "private", "answers.csv"), index=False)
    text = (f"https://www.kaggle.com/competitions/{slug}\n\n# {title}\n\n## Overview\n\n{overview}\n\n"
            f"## Data\n\n- **train.csv**: {len(train)} rows with the target.\n"
            f"- **test.csv**: {len(test)} rows without it.\n"
            f"- **sample_submission.csv**: a submission in the correct format.\n\n"
            f"## Evaluation\n\n{evaluation}\n\n## Submission File\n\n{submission}\n\n"
            f"```\n{sample.head(3).to_csv(index=False)}...\n```\n")
    with open(os.path.join(base, "description.md"), "w") as f:
        f.write(text)
    print(f"{slug}: train {len(train)} test {len(test)}")


def frame(data, names):
    df = pd.DataFrame(np.round(data, 4), columns=[n.replace(" ", "_") for n in names])
    df.insert(0, "id", np.arange(1, len(df) + 1))
    return df


def iris_species():
    """Labels: three species written as strings; accuracy."""
    d = load_iris()
    df = frame(d.data, [n.replace(" (cm)", "") for n in d.feature_names])
    df["species"] = [d.target_names[i] for i in d.target]
    tr, te = train_test_split(df, test_size=0.3, random_state=SEED, stratify=df["species"])
    tr, te = tr.sort_values("id"), te.sort_values("id")
    majority = tr["species"].mode()[0]
    sample = pd.DataFrame({"id": te["id"], "species": majority})
    write("iris-species", "Iris Species",
          "Predict the species of an iris flower from four measurements of its petals and sepals.",
          "Submissions are evaluated on **accuracy**: the fraction of test rows whose predicted "
          "species equals the true species.",
          "For each `id` in the test set, predict `species` as one of `setosa`, `versicolor`, "
          "`virginica`. The file must contain a header and have the following format:",
          tr, te.drop(columns="species"), sample, te[["id", "species"]])


def tumor_malignancy():
    """Probabilities: P(malignant), target renamed; ROC AUC."""
    d = load_breast_cancer()
    cols = ["mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness",
            "mean compactness", "mean concavity", "mean concave points", "worst radius",
            "worst texture", "worst area", "worst concavity"]
    idx = [list(d.feature_names).index(c) for c in cols]
    df = frame(d.data[:, idx], cols)
    df["diagnosis"] = np.where(d.target == 0, "malignant", "benign")
    rng = np.random.RandomState(SEED)
    df.loc[rng.rand(len(df)) < 0.05, "mean_texture"] = np.nan  # some missing values
    tr, te = train_test_split(df, test_size=0.3, random_state=SEED, stratify=df["diagnosis"])
    tr, te = tr.sort_values("id"), te.sort_values("id")
    sample = pd.DataFrame({"id": te["id"], "malignant_probability": 0.5})
    answers = pd.DataFrame({"id": te["id"],
                            "malignant_probability": (te["diagnosis"] == "malignant").astype(int)})
    write("tumor-malignancy", "Tumor Malignancy",
          "Estimate the probability that a breast mass is malignant from measurements of its cell nuclei.",
          "Submissions are evaluated on the **area under the ROC curve** (AUC) between the predicted "
          "probability and the observed outcome (1 when `diagnosis` = `malignant`).",
          "The submission column differs from train.csv: for each `id`, submit "
          "`malignant_probability`, the probability that `diagnosis` is `malignant`. "
          "The file must contain a header and have the following format:",
          tr, te.drop(columns="diagnosis"), sample, answers)


def diabetes_progression():
    """Values: a regression scored with RMSE."""
    d = load_diabetes(scaled=False)
    df = frame(d.data, d.feature_names)
    df["sex"] = np.where(df["sex"] > 1.5, "F", "M")  # a categorical column
    df["progression"] = d.target
    tr, te = train_test_split(df, test_size=0.3, random_state=SEED)
    tr, te = tr.sort_values("id"), te.sort_values("id")
    sample = pd.DataFrame({"id": te["id"], "progression": round(tr["progression"].mean(), 2)})
    write("diabetes-one-year", "Diabetes One Year",
          "Predict a quantitative measure of diabetes progression one year after a baseline visit.",
          "Submissions are scored on the **root mean squared error** (RMSE). Lower is better.",
          "For each `id` in the test set, predict `progression`. The file must contain a header "
          "and have the following format:",
          tr, te.drop(columns="progression"), sample, te[["id", "progression"]])


if __name__ == "__main__":
    iris_species()
    tumor_malignancy()
    diabetes_progression()
    sys.exit(0)
