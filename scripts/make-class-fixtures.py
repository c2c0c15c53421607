#!/usr/bin/python3
"""Writes small synthetic competitions, one per failure class of issue 8 (A-G)
and per new format/metric of its point 6, into tests/fixtures/competitions/.

usage: /usr/bin/python3 scripts/make-class-fixtures.py [out-dir]

Deterministic (fixed seeds, fixed zip timestamps, no timings written): running
it twice writes the same bytes. Needs numpy, pandas and scikit-learn (Debian's).
Each competition has the layout every competition folder has (docs/AGENT.md): description.md
(URL on line 1, `## Evaluation` naming the metric in words, `## Submission
File` showing the format), public/ (what a competitor downloads),
private/answers.csv (a perfect submission), grading.json (see
tests/fixtures/competitions/grade_fixture.py). grading.json also holds
  quick_model  the test score of a few lines of scikit-learn (HistGradient-
               Boosting on the raw or obviously parsed columns, TF-IDF + logistic
               regression for text), with its method;
  trivial      the test score of the best constant (chosen on train);
  class / covers  the failure class and what the fixture exercises.
Both scores are computed with grade_fixture.py on submissions written like the
agent's, so tests/e2e/test_agent_classes.sh can require "at or above the quick
model, clearly above trivial".

  slug                          class  metric    layout
  fx-target-first-rows          A1     accuracy  sample `label,date,text`: target first, no id,
                                                 test columns copied, rows by position
  fx-id-last                    A2     MAE       sample `target_a,id`; a second train-only target
  fx-key-datetime-rmsle         B1     RMSLE     hourly demand keyed by `datetime`
  fx-key-group-member-auc       B2     AUC       key `gggg_pp`: group size and membership carry signal
  fx-metric-log-rmse            C      rmse_log  metric paraphrased; positive skewed target
  fx-metric-r2-concrete         C, 6   R²        "coefficient of determination"
  fx-text-only-micro-f1         D, 6   micro-F1  only an id and a text column; zipped csv
  fx-many-classes-logloss       D      log loss  40 classes, 5000 rows, per-class columns
  fx-few-rows-per-class         E      log loss  60 classes x 12 rows of short text
  fx-ordinal-qwk-regression     F      QWK       labels 1..8, skewed; regression + cuts wins
  fx-code-parts-accuracy        G      accuracy  `D/1234/L` codes (thousands of levels), True/False
  fx-name-title-f1              G, 6   F1        `Last, Title. First` names
  fx-tsv-medae                  6      MedAE     train.tsv / test.tsv; heavy-tailed noise
  fx-json-list-map3             6      MAP@3     JSON records with a list field; label_list output
  fx-inside-train-smape         6      SMAPE     one data.csv, test rows have a blank target
  fx-aux-table-wmae             6      WMAE      transactions.csv joined one-to-many; weight flag
  fx-aux-levels-auc             6      AUC       readings.csv: one row per plot and probe depth;
                                                 the signal is the gap between depths (a mean
                                                 per plot erases it)
"""
import importlib.util
import json
import os
import shutil
import sys
import zipfile

os.environ["OMP_NUM_THREADS"] = "1"  # before numpy/sklearn: one thread, same results on any machine
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "tests", "fixtures", "competitions")
MAX_BYTES = 150_000

_spec = importlib.util.spec_from_file_location(
    "grade_fixture", os.path.join(HERE, "..", "tests", "fixtures", "competitions", "grade_fixture.py"))
grader = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(grader)

SUMMARY = []


# ------------------------------------------------------------------ writing

def to_bytes(df, fmt):
    if fmt == "json":  # an array of records, one per line (list-valued fields stay lists)
        records = df.to_dict(orient="records")
        return ("[\n" + ",\n".join(json.dumps(clean(r), separators=(",", ":")) for r in records)
                + "\n]\n").encode()
    sep = "\t" if fmt == "tsv" else ","
    return df.to_csv(index=False, sep=sep, lineterminator="\n").encode()


def clean(record):
    out = {}
    for k, v in record.items():
        if isinstance(v, (np.integer,)):
            v = int(v)
        elif isinstance(v, (np.floating,)):
            v = None if np.isnan(v) else float(v)
        out[k] = v
    return out


def write_file(path, data):
    if path.endswith(".zip"):
        info = zipfile.ZipInfo(os.path.basename(path)[:-4], date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(info, data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def example(sample, rows=3):
    head = sample.head(rows).to_csv(index=False, lineterminator="\n")
    return "```\n" + head + "...\n```"


def description(slug, title, overview, data, evaluation, submission, sample):
    return (f"https://www.kaggle.com/competitions/{slug}\n\n# {title}\n\n## Overview\n\n{overview}\n\n"
            f"## Data\n\n{data}\n\n## Evaluation\n\n{evaluation}\n\n## Submission File\n\n"
            f"{submission}\n\n{example(sample)}\n\n## This local version\n\n"
            "A small synthetic competition written by `scripts/make-class-fixtures.py` "
            f"(deterministic); the hidden answers are in `private/`.\n")


def fixture(slug, cls, covers, title, text, files, sample, answers, grading, quick, trivial,
            weights=None, refs=None):
    """files: {public name: (DataFrame, fmt)}; quick / trivial: (submission DataFrame, method);
    refs: {name: submission DataFrame} of other models worth recording (e.g. the naive model that
    ignores what the fixture is about). Writes the competition, grades the submissions with
    grade_fixture and stores their scores."""
    root = os.path.join(OUT, slug)
    shutil.rmtree(root, ignore_errors=True)
    pub, priv = os.path.join(root, "public"), os.path.join(root, "private")
    os.makedirs(pub)
    os.makedirs(priv)
    sample_name = "sample_submission.csv"
    files = dict(files)
    files[sample_name] = (sample, "csv")
    for name, (df, fmt) in files.items():
        write_file(os.path.join(pub, name), to_bytes(df, fmt))
    write_file(os.path.join(priv, "answers.csv"), to_bytes(answers, "csv"))
    if weights is not None:
        write_file(os.path.join(priv, "weights.csv"), to_bytes(weights, "csv"))
        grading["weights_file"] = "private/weights.csv"
    with open(os.path.join(root, "description.md"), "w") as f:
        f.write(description(slug, title, *text, sample))
    g = {"competition": slug, "url": f"https://www.kaggle.com/competitions/{slug}", "set": "classes",
         "class": cls, "covers": covers}
    g.update(grading)
    g["higher_is_better"] = g["metric"] in grader.HIGHER
    g.setdefault("id_column", None)
    g["answers"] = "private/answers.csv"
    g["sample_submission"] = "public/" + sample_name
    g["public_files"] = sorted(files)
    g["rows"] = {"test": len(answers)}
    for key, (frame, method) in (("quick_model", quick), ("trivial", trivial)):
        s, reason = grader.grade_frame(root, g, frame.astype(str))
        if s is None:
            raise SystemExit(f"{slug}: {key} submission invalid: {reason}")
        g[key] = {"score": round(s, 6), "method": method}
    for name, sub in (refs or {}).items():
        s, reason = grader.grade_frame(root, g, sub.astype(str))
        if s is None:
            raise SystemExit(f"{slug}: reference {name} invalid: {reason}")
        g.setdefault("reference", {})[name] = round(s, 6)
    with open(os.path.join(root, "grading.json"), "w") as f:
        json.dump(g, f, indent=2)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(root) for n in ns)
    if size > MAX_BYTES:
        raise SystemExit(f"{slug}: {size} bytes > {MAX_BYTES}")
    q, t = g["quick_model"]["score"], g["trivial"]["score"]
    gap = (q - t) if g["higher_is_better"] else (t - q)
    if gap <= 0.05 * max(abs(t), abs(q), 1e-9):
        raise SystemExit(f"{slug}: the quick model ({q}) is not clearly better than trivial ({t})")
    SUMMARY.append((slug, cls, g["metric"], q, t, size))


# ------------------------------------------------------------------ helpers

def split(n, n_test, rng):
    """Sorted train and test row positions."""
    idx = rng.permutation(n)
    return np.sort(idx[n_test:]), np.sort(idx[:n_test])


def syllable_words(rng, n, low=2, high=3):
    """n distinct pronounceable pseudo-words."""
    cons, vows = list("bdfgklmnprstvz"), list("aeiou")
    out, seen = [], set()
    while len(out) < n:
        w = "".join(rng.choice(cons) + rng.choice(vows) for _ in range(rng.randint(low, high + 1)))
        if rng.rand() < 0.3:
            w += rng.choice(list("nrs"))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def codes(frame, cols):
    """Categorical columns as integer codes (missing = NaN) for HistGradientBoosting."""
    out = frame.copy()
    for c in cols:
        out[c] = pd.Categorical(out[c]).codes.astype(float)
        out.loc[out[c] < 0, c] = np.nan
    return out


def hgb_reg(**kw):
    return HistGradientBoostingRegressor(random_state=0, **kw)


def hgb_clf(**kw):
    return HistGradientBoostingClassifier(random_state=0, **kw)


def cat_mask(cols, cats):
    return [c in cats for c in cols]


def best_constant(metric, y, weights=None):
    """The constant (chosen on train values y) with the best train score, and its name."""
    y = np.asarray(y, float)
    cands = {f"train {int(q * 100)}% quantile": np.quantile(y, q) for q in np.arange(0.05, 0.96, 0.05)}
    cands["train median"] = np.median(y)
    cands["train mean"] = y.mean()
    if (y > -1).all():
        cands["expm1(mean log1p) of train"] = np.expm1(np.mean(np.log1p(y)))
    if (y > 0).all():
        cands["geometric mean of train"] = np.exp(np.mean(np.log(y)))
    if weights is not None:
        order = np.argsort(y)
        cum = np.cumsum(weights[order])
        cands["weighted train median"] = y[order][np.searchsorted(cum, cum[-1] / 2)]
    g = {"metric": metric, "target_columns": ["y"]}

    def train_score(c):
        return grader.score(g, pd.DataFrame({"y": y}), pd.DataFrame({"y": np.full(len(y), c)}), weights)

    higher = metric in grader.HIGHER
    name = (max if higher else min)(cands, key=lambda k: train_score(cands[k]))
    return float(cands[name]), name


def best_label(metric, y, g_extra=None):
    """The constant label with the best train score (accuracy, F1, ...)."""
    y = pd.Series(np.asarray(y).astype(str))
    g = {"metric": metric, "target_columns": ["y"], **(g_extra or {})}
    labels = sorted(y.unique())
    scores = {lab: grader.score(g, pd.DataFrame({"y": y}), pd.DataFrame({"y": [lab] * len(y)}),
                                classes=labels) for lab in labels}
    best = max(labels, key=lambda lab: (scores[lab], -labels.index(lab)))
    return best


def frame(answers, target, values, keys=None):
    """A submission like the answers: their key columns, `values` in `target`."""
    sub = answers.copy()
    sub[target] = values
    return sub


def fmt_float(v, digits=4):
    return [f"{x:.{digits}f}" for x in v]


def qwk_cuts(pred, y, classes):
    """Cut points between consecutive classes tuned on out-of-fold predictions
    (coordinate search), as a Kaggler does for ordinal targets under QWK."""
    from sklearn.metrics import cohen_kappa_score
    cuts = np.array([(a + b) / 2 for a, b in zip(classes[:-1], classes[1:])], float)

    def kappa(c):
        return cohen_kappa_score(y, np.asarray(classes)[np.digitize(pred, c)], weights="quadratic")

    best = kappa(cuts)
    for _ in range(3):
        for i in range(len(cuts)):
            lo = cuts[i - 1] if i else pred.min()
            hi = cuts[i + 1] if i + 1 < len(cuts) else pred.max()
            for v in np.linspace(lo, hi, 41)[1:-1]:
                trial = cuts.copy()
                trial[i] = v
                k = kappa(trial)
                if k > best:
                    best, cuts = k, trial
    return cuts


# --------------------------------------------------------------- A: layout

def target_first_rows():
    rng = np.random.RandomState(1101)
    n, n_test = 1200, 300
    bad = ["broken", "late", "refund", "rude", "never", "worst", "waited", "cancelled", "wrong",
           "missing", "cold", "dirty", "overcharged", "ignored", "slow", "soggy", "noisy"]
    good = ["great", "friendly", "quick", "lovely", "perfect", "helpful", "fresh", "clean",
            "recommend", "thanks", "excellent", "smooth", "polite", "tasty", "warm"]
    filler = ["the", "order", "staff", "table", "delivery", "food", "service", "today", "again", "our",
              "my", "visit", "store", "was", "very", "and", "with", "it", "at", "a", "for", "pizza",
              "driver", "app", "coffee", "waiter", "lunch", "box"]
    channel = rng.choice(["web", "app", "phone"], n, p=[0.45, 0.35, 0.2])
    prior = pd.Series(channel).map({"web": 0.35, "app": 0.3, "phone": 0.6}).to_numpy()
    label = (rng.rand(n) < prior).astype(int)
    texts = []
    for i in range(n):
        own, other = (bad, good) if label[i] else (good, bad)
        words = list(rng.choice(filler, rng.randint(2, 6)))
        for _ in range(rng.randint(1, 3)):
            words.append(rng.choice(own if rng.rand() < 0.8 else other))
        rng.shuffle(words)
        if rng.rand() < 0.25:
            words[rng.randint(len(words) - 1)] += ","
        texts.append(" ".join(words).capitalize())
    date = (pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.randint(0, 365, n), unit="D")).strftime("%Y-%m-%d")
    df = pd.DataFrame({"date": date, "text": texts, "channel": channel, "label": label})
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["label"])
    answers = test[["label", "date", "text"]]
    sample = answers.assign(label=0)

    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    doc = lambda d: d["text"] + " channel_" + d["channel"]  # noqa: E731
    model = LogisticRegression(C=3, max_iter=2000).fit(vec.fit_transform(doc(train)), train["label"])
    quick = frame(answers, "label", model.predict(vec.transform(doc(test_pub))))
    const = best_label("accuracy", train["label"])
    fixture(
        "fx-target-first-rows", "A1",
        "sample submission `label,date,text`: target first, no id column anywhere, `date` and `text` "
        "copied from test, graded by row position; signal in the text (TF-IDF) and the channel",
        "Complaint Spotting",
        ("A chain of restaurants collects short feedback messages through its website, its app and by "
         "phone. Some of them are complaints that a manager should call back. Flag them.",
         "- `train.csv` - the date a message arrived, its `text`, the `channel` and `label` "
         "(1 = complaint, 0 = not)\n- `test.csv` - the same columns without `label`\n"
         "- `sample_submission.csv` - a correctly formatted submission\n\n"
         "There is no identifier column: messages are identified by their position in `test.csv`.",
         "Submissions are evaluated on **classification accuracy**, the percentage of messages whose "
         "label you predict correctly.",
         "The file must contain a header and one row per message of `test.csv`, **in the same order**. "
         "Put your predicted label first and copy `date` and `text` unchanged from the test file:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv")}, sample, answers,
        {"task": "binary_classification", "metric": "accuracy", "prediction": "label",
         "prediction_type": "int_label", "allowed_labels": [0, 1], "id_column": None,
         "row_key_columns": ["date", "text"], "target_columns": ["label"],
         "train_target_columns": ["label"]},
        (quick, "TF-IDF word 1-2grams of text + a channel token, LogisticRegression(C=3)"),
        (frame(answers, "label", [const] * len(answers)), "most frequent train label"))


def id_last():
    rng = np.random.RandomState(1202)
    n, n_test = 1100, 300
    alloy = rng.choice(["AL6", "AL7", "ST3", "TI2", "CU1"], n)
    operator = rng.choice([f"op{i:02d}" for i in range(12)], n)
    temp = np.round(rng.normal(820, 40, n), 1)
    pressure = np.round(rng.gamma(4, 12, n), 2)
    batch = rng.randint(5, 120, n)
    hard = np.round(rng.normal(50, 10, n), 2)
    a_eff = pd.Series(alloy).map({"AL6": 0, "AL7": 6, "ST3": 14, "TI2": 22, "CU1": -8}).to_numpy()
    o_eff = rng.normal(0, 3, 12)[pd.Series(operator).str[2:].astype(int).to_numpy()]
    target_a = (40 + a_eff + o_eff + 0.12 * (temp - 820) + 8 * np.tanh((pressure - 48) / 20)
                + 0.004 * (hard - 50) ** 2 + rng.laplace(0, 3, n))
    target_b = 0.6 * target_a + rng.normal(0, 4, n)
    ids = rng.permutation(np.arange(30001, 30001 + n))
    df = pd.DataFrame({"id": ids, "alloy": alloy, "operator": operator, "furnace_temp": temp,
                       "pressure": pressure, "batch_size": batch, "hardness": hard,
                       "target_a": np.round(target_a, 2), "target_b": np.round(target_b, 2)})
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["target_a", "target_b"])
    answers = test[["target_a", "id"]]
    sample = answers.assign(target_a=0.0)

    cols = ["alloy", "operator", "furnace_temp", "pressure", "batch_size", "hardness"]
    both = codes(pd.concat([train[cols], test_pub[cols]]), ["alloy", "operator"])
    model = hgb_reg(loss="absolute_error", categorical_features=cat_mask(cols, {"alloy", "operator"}))
    model.fit(both.iloc[:len(train)], train["target_a"])
    quick = frame(answers, "target_a", fmt_float(model.predict(both.iloc[len(train):])))
    c, how = best_constant("mae", train["target_a"])
    fixture(
        "fx-id-last", "A2",
        "sample submission `target_a,id` (id last); train has a second target `target_b` that is "
        "neither in test nor in the sample; MAE",
        "Furnace Yield",
        ("Each heat-treatment batch has two quality readings, A and B, taken after the furnace run. "
         "Only reading A is to be predicted; B is given for the training batches as extra information.",
         "- `train.csv` - batch `id`, alloy, operator, furnace temperature, pressure, batch size, the "
         "hardness before treatment, and the two readings `target_a` and `target_b`\n"
         "- `test.csv` - the batch features only\n- `sample_submission.csv` - the expected format",
         "The leaderboard uses the **mean absolute error** between your predicted and the measured "
         "reading A, averaged over all test batches. Smaller is better.",
         "Give reading A for every batch of `test.csv`. Note the column order, the prediction first "
         "and the batch id second:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv")}, sample, answers,
        {"task": "regression", "metric": "mae", "prediction": "value", "prediction_type": "real",
         "id_column": "id", "target_columns": ["target_a"], "train_target_columns": ["target_a"]},
        (quick, "HistGradientBoostingRegressor(absolute_error) on the raw columns, categories native"),
        (frame(answers, "target_a", [c] * len(answers)), how))


# ----------------------------------------------------------- B: signal keys

def key_datetime():
    rng = np.random.RandomState(2101)
    stamps = pd.date_range("2022-03-01 00:00", periods=92 * 24, freq="h")
    n = len(stamps)
    hour, wd = stamps.hour.to_numpy(), stamps.weekday.to_numpy()
    holiday = np.isin(stamps.normalize(), pd.to_datetime(["2022-04-15", "2022-04-18", "2022-05-26"]))
    off = (wd >= 5) | holiday
    commute = 1.6 * np.exp(-((hour - 8) ** 2) / 2.0) + 1.9 * np.exp(-((hour - 17.5) ** 2) / 3.0)
    leisure = 1.4 * np.exp(-((hour - 14) ** 2) / 12.0)
    night = -1.8 * ((hour <= 5) | (hour >= 23))
    day = np.arange(n) / 24.0
    temp = np.round(8 + 10 * day / 92 + 5 * np.sin((hour - 9) / 24 * 2 * np.pi) + rng.normal(0, 2, n), 1)
    humidity = np.clip(np.round(rng.normal(65, 15, n)), 15, 100).astype(int)
    log_mu = (2.6 + np.where(off, leisure, commute) + night + 0.03 * temp - 0.012 * (humidity - 65)
              + 0.15 * (wd == 4))
    count = rng.poisson(np.exp(log_mu + rng.normal(0, 0.15, n)))
    df = pd.DataFrame({"datetime": stamps.strftime("%Y-%m-%d %H:%M:%S"), "holiday": holiday.astype(int),
                       "temp": temp, "humidity": humidity, "count": count})
    is_test = stamps.day.to_numpy() >= 22
    train, test = df[~is_test].reset_index(drop=True), df[is_test].reset_index(drop=True)
    test_pub = test.drop(columns=["count"])
    answers = test[["datetime", "count"]]
    sample = answers.assign(count=0)

    def parts(d):
        t = pd.to_datetime(d["datetime"])
        return pd.DataFrame({"hour": t.dt.hour, "weekday": t.dt.weekday, "month": t.dt.month,
                             "day": t.dt.day, "holiday": d["holiday"], "temp": d["temp"],
                             "humidity": d["humidity"]})

    model = hgb_reg().fit(parts(train), np.log1p(train["count"]))
    quick = frame(answers, "count", fmt_float(np.maximum(np.expm1(model.predict(parts(test_pub))), 0), 3))
    plain = ["holiday", "temp", "humidity"]
    naive = hgb_reg().fit(train[plain], np.log1p(train["count"]))
    naive = frame(answers, "count", fmt_float(np.maximum(np.expm1(naive.predict(test_pub[plain])), 0), 3))
    c, how = best_constant("rmsle", train["count"])
    fixture(
        "fx-key-datetime-rmsle", "B1",
        "hourly demand keyed by `datetime` (sample `datetime,count`); hour of day and weekday (only in "
        "the key) drive the target; days 22+ of each month are the test set; RMSLE",
        "Scooter Rentals per Hour",
        ("A city scooter scheme wants to forecast how many scooters are rented each hour so that it can "
         "move vehicles to where they are needed.",
         "Hourly rental counts for March to May 2022. The training set holds the first 21 days of each "
         "month, the test set the rest of the month.\n\n"
         "- `train.csv` - `datetime` (hour start), `holiday` (1 on public holidays), `temp` (°C), "
         "`humidity` (%), and `count`, the number of rentals that hour\n"
         "- `test.csv` - the same without `count`\n- `sample_submission.csv`",
         "Submissions are evaluated on the Root Mean Squared Logarithmic Error (RMSLE):\n\n"
         "    sqrt( 1/n * sum_i (log(p_i + 1) - log(a_i + 1))^2 )\n\n"
         "where p_i is your predicted count, a_i the actual count and log the natural logarithm.",
         "For every hour of the test set, predict the total count of rentals. The hour is identified by "
         "its `datetime`:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv")}, sample, answers,
        {"task": "regression", "metric": "rmsle", "prediction": "value", "prediction_type": "real",
         "min_value": 0, "id_column": "datetime", "target_columns": ["count"],
         "train_target_columns": ["count"]},
        (quick, "HistGradientBoostingRegressor on log1p(count) with hour, weekday, month, day of the "
                "datetime + the other columns"),
        (frame(answers, "count", [c] * len(answers)), how),
        refs={"hgb_without_datetime_parts": naive})


def key_group_member():
    rng = np.random.RandomState(2202)
    n_groups = 1500
    sizes = rng.choice(np.arange(1, 8), n_groups, p=[0.5, 0.22, 0.11, 0.07, 0.05, 0.03, 0.02])
    group_effect = rng.normal(0, 1.3, n_groups)
    rows = []
    for g in range(n_groups):
        plan = rng.choice(["A", "B", "C"], p=[0.5, 0.3, 0.2])  # members mostly share a plan
        for m in range(sizes[g]):
            rows.append((g, m, sizes[g], plan if rng.rand() < 0.8 else rng.choice(["A", "B", "C"])))
    g_idx = np.array([r[0] for r in rows])
    size = np.array([r[2] for r in rows])
    plan = np.array([r[3] for r in rows])
    n = len(rows)
    age = np.clip(np.round(rng.normal(38, 14, n)), 1, 85).astype(int)
    spend = np.round(np.exp(rng.normal(3, 1, n)), 1)
    spend[rng.rand(n) < 0.08] = np.nan
    size_eff = np.array([0, -1.1, 0.0, 0.4, 0.8, 1.0, 1.1, 1.2])[size]
    logit = (group_effect[g_idx] + size_eff + 0.5 * (plan == "C") - 0.015 * (age - 38)
             + 0.15 * np.nan_to_num(np.log1p(spend) - 3))
    y = (rng.rand(n) < 1 / (1 + np.exp(-logit))).astype(int)
    df = pd.DataFrame({"booking_id": [f"{g + 1:04d}_{r[1] + 1:02d}" for g, r in zip(g_idx, rows)],
                       "age": age, "plan": plan, "spend": spend, "rebooked": y})
    tr, te = split(n, n // 4, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["rebooked"])
    answers = test[["booking_id", "rebooked"]]
    sample = answers.assign(rebooked=0.5)

    # quick model: group and group size from the key, out-of-row target mean of the group in train
    both = pd.concat([train.drop(columns=["rebooked"]), test_pub], ignore_index=True)
    grp = both["booking_id"].str[:4]
    both["group_size"] = grp.map(grp.value_counts())
    tg = grp[:len(train)].to_numpy()
    sums = pd.Series(train["rebooked"].to_numpy()).groupby(tg).sum()
    cnts = pd.Series(tg).value_counts()
    own = np.r_[train["rebooked"].to_numpy(), np.zeros(len(test_pub))]
    is_tr = np.r_[np.ones(len(train)), np.zeros(len(test_pub))]
    s = grp.map(sums).fillna(0).to_numpy() - own
    k = grp.map(cnts).fillna(0).to_numpy() - is_tr
    prior = train["rebooked"].mean()
    both["group_rate"] = (s + prior) / (k + 1)
    both["group_known"] = k
    cols = ["age", "plan", "spend", "group_size", "group_rate", "group_known"]
    x = codes(both[cols], ["plan"])
    model = hgb_clf(max_iter=150, learning_rate=0.05, categorical_features=cat_mask(cols, {"plan"}))
    model.fit(x.iloc[:len(train)], train["rebooked"])
    quick = frame(answers, "rebooked", fmt_float(model.predict_proba(x.iloc[len(train):])[:, 1]))
    naive = hgb_clf(max_iter=150, learning_rate=0.05, categorical_features=[False, True, False])
    naive.fit(x.iloc[:len(train), :3], train["rebooked"])
    naive = frame(answers, "rebooked", fmt_float(naive.predict_proba(x.iloc[len(train):, :3])[:, 1]))
    fixture(
        "fx-key-group-member-auc", "B2",
        "composite key `gggg_pp` (group_member): group size and group membership carry the signal; "
        "groups straddle the split; AUC on a probability",
        "Rebooking Travellers",
        ("A travel agency wants to know which travellers of this season's bookings will book with it "
         "again. People often travel in parties and parties tend to decide together.",
         "- `train.csv` - one row per traveller: `booking_id`, `age`, `plan` (tariff A/B/C), "
         "`spend` on extras (blank when unknown), and `rebooked` (1 if the traveller booked again)\n"
         "- `test.csv` - the same without `rebooked`\n- `sample_submission.csv`\n\n"
         "`booking_id` has the form `gggg_pp`: `gggg` is the party the traveller booked with and `pp` "
         "the traveller's number within the party.",
         "Submissions are evaluated on the area under the ROC curve between the predicted probability "
         "and the observed outcome.",
         "For each traveller in the test set, give the probability that they rebook:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv")}, sample, answers,
        {"task": "binary_classification", "metric": "auc", "prediction": "probability",
         "prediction_type": "probability", "positive_label": "1", "id_column": "booking_id",
         "target_columns": ["rebooked"], "train_target_columns": ["rebooked"]},
        (quick, "HistGradientBoostingClassifier on age, plan, spend + group size, out-of-row group "
                "target mean and known-member count from the key's group part"),
        (frame(answers, "rebooked", ["0.5"] * len(answers)), "constant 0.5 (AUC 0.5)"),
        refs={"hgb_without_key_features": naive})


# ------------------------------------------------------- C: metric wording

def metric_log_rmse():
    rng = np.random.RandomState(3101)
    n, n_test = 1400, 400
    region = rng.choice([f"R{i}" for i in range(1, 9)], n)
    cover = rng.choice(["basic", "plus", "full"], n, p=[0.5, 0.3, 0.2])
    vage = rng.randint(0, 20, n)
    dage = rng.randint(18, 85, n)
    prior = rng.poisson(0.6, n)
    miles = np.round(rng.gamma(3, 4, n), 1)
    reg_eff = rng.normal(0, 0.35, 8)[pd.Series(region).str[1:].astype(int).to_numpy() - 1]
    cov_eff = pd.Series(cover).map({"basic": 0, "plus": 0.4, "full": 0.9}).to_numpy()
    logy = (6.3 + reg_eff + cov_eff + 0.18 * prior + 0.025 * miles - 0.03 * vage
            + 0.0004 * (dage - 45) ** 2 + rng.normal(0, 0.45, n))
    df = pd.DataFrame({"claim_id": np.arange(1, n + 1), "region": region, "cover": cover,
                       "vehicle_age": vage, "driver_age": dage, "prior_claims": prior,
                       "annual_km_k": miles, "cost": np.round(np.exp(logy), 2)})
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["cost"])
    answers = test[["claim_id", "cost"]]
    sample = answers.assign(cost=1000)

    cols = ["region", "cover", "vehicle_age", "driver_age", "prior_claims", "annual_km_k"]
    x = codes(pd.concat([train[cols], test_pub[cols]]), ["region", "cover"])
    model = hgb_reg(categorical_features=cat_mask(cols, {"region", "cover"}))
    model.fit(x.iloc[:len(train)], np.log(train["cost"]))
    quick = frame(answers, "cost", fmt_float(np.exp(model.predict(x.iloc[len(train):])), 2))
    raw = hgb_reg(categorical_features=cat_mask(cols, {"region", "cover"})).fit(x.iloc[:len(train)], train["cost"])
    raw = frame(answers, "cost", fmt_float(np.maximum(raw.predict(x.iloc[len(train):]), 1), 2))
    c, how = best_constant("rmse_log", train["cost"])
    fixture(
        "fx-metric-log-rmse", "C",
        "metric named only by a paraphrase (RMSE of natural logs, no 'RMSLE'/'log error'); positive, "
        "right-skewed target",
        "Claim Cost Estimation",
        ("An insurer wants a first estimate of what each newly reported motor claim will finally cost.",
         "- `train.csv` - `claim_id`, the policy's `region` and `cover`, vehicle and driver age, the "
         "number of earlier claims, thousands of km driven per year, and the final `cost`\n"
         "- `test.csv` - the same without `cost`\n- `sample_submission.csv`",
         "We compare your estimate with the settled amount on a multiplicative scale: the score is the "
         "square root of the average, over all claims, of the squared difference between the natural "
         "log of your estimated cost and the natural log of the settled cost. Estimating half or "
         "double the real amount is penalised the same for a small and a large claim. Lower scores "
         "are better; estimates must be strictly positive.",
         "One line per test claim with its estimated cost:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv")}, sample, answers,
        {"task": "regression", "metric": "rmse_log", "prediction": "value", "prediction_type": "real",
         "min_exclusive": 0, "id_column": "claim_id", "target_columns": ["cost"],
         "train_target_columns": ["cost"]},
        (quick, "HistGradientBoostingRegressor on log(cost), categories native"),
        (frame(answers, "cost", [c] * len(answers)), how),
        refs={"hgb_on_raw_cost": raw})


def metric_r2():
    rng = np.random.RandomState(3202)
    n, n_test = 1300, 400
    cement = np.round(rng.uniform(150, 500, n), 1)
    slag = np.round(np.where(rng.rand(n) < 0.45, 0, rng.uniform(20, 250, n)), 1)
    water = np.round(rng.uniform(140, 230, n), 1)
    additive = np.round(np.where(rng.rand(n) < 0.35, 0, rng.gamma(2, 3, n)), 2)
    sand = np.round(rng.uniform(600, 950, n), 1)
    age = rng.choice([1, 3, 7, 14, 28, 56, 90, 180, 365], n)
    binder = cement + 0.7 * slag
    strength = (75 * (binder / (water * 2.2)) ** 1.3 * (np.log1p(age) / np.log1p(28)) ** 0.9
                + 0.8 * additive - 0.01 * (sand - 775) + rng.normal(0, 4, n))
    df = pd.DataFrame({"mix": [f"M{i:05d}" for i in rng.permutation(n)], "cement": cement,
                       "slag": slag, "water": water, "additive": additive, "sand": sand,
                       "age_days": age, "strength": np.round(strength, 2)})
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["strength"])
    answers = test[["mix", "strength"]]
    sample = answers.assign(strength=35.0)
    cols = ["cement", "slag", "water", "additive", "sand", "age_days"]
    model = hgb_reg().fit(train[cols], train["strength"])
    quick = frame(answers, "strength", fmt_float(model.predict(test_pub[cols]), 3))
    c, how = best_constant("r2", train["strength"])
    fixture(
        "fx-metric-r2-concrete", "C",
        "R² named only as 'coefficient of determination'; nonlinear interactions; string id",
        "Concrete Strength",
        ("Predict the compressive strength of a concrete mix from its recipe and its age at testing.",
         "- `train.csv` - `mix` (an identifier), kg per m³ of cement, slag, water, additive and sand, "
         "the age in days at which the cylinder was crushed, and its `strength` in MPa\n"
         "- `test.csv` - the recipes and ages to predict\n- `sample_submission.csv`",
         "Submissions are scored with the coefficient of determination of the predictions with "
         "respect to the measured strengths. A perfect prediction gets 1.0, while always predicting "
         "the average strength gets about 0 (and worse models can score below zero). Higher is better.",
         "Predict `strength` for every `mix` in the test set:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv")}, sample, answers,
        {"task": "regression", "metric": "r2", "prediction": "value", "prediction_type": "real",
         "id_column": "mix", "target_columns": ["strength"], "train_target_columns": ["strength"]},
        (quick, "HistGradientBoostingRegressor on the raw columns"),
        (frame(answers, "strength", [c] * len(answers)), how))


# ------------------------------------------------------- D: time budget

def text_only_micro_f1():
    rng = np.random.RandomState(4101)
    classes = ["audio", "books", "garden", "kitchen", "sports", "toys"]
    words = syllable_words(rng, 900, 1, 2)
    common, rest = words[:150], words[150:]
    own = {c: rest[i * 120:(i + 1) * 120] for i, c in enumerate(classes)}
    n, n_test = 5000, 1000
    prior = np.array([0.28, 0.22, 0.16, 0.14, 0.12, 0.08])
    y = rng.choice(len(classes), n, p=prior)
    texts = []
    for i in range(n):
        toks = list(rng.choice(common, rng.randint(1, 4)))
        for _ in range(rng.randint(2, 4)):
            src = y[i] if rng.rand() < 0.7 else rng.randint(len(classes))
            pool = own[classes[src]]
            toks.append(pool[min(int(rng.exponential(30)), len(pool) - 1)])
        rng.shuffle(toks)
        texts.append(" ".join(toks))
    df = pd.DataFrame({"id": np.arange(100000, 100000 + n), "title": texts,
                       "department": np.array(classes)[y]})
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["department"])
    answers = test[["id", "department"]]
    sample = answers.assign(department="audio")
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    model = LogisticRegression(C=3, max_iter=2000).fit(vec.fit_transform(train["title"]), train["department"])
    quick = frame(answers, "department", model.predict(vec.transform(test_pub["title"])))
    const = best_label("micro_f1", train["department"])
    fixture(
        "fx-text-only-micro-f1", "D",
        "only an id and one short text column (5000 rows, zipped csv): TF-IDF is the only useful "
        "model; micro-averaged F1 over 6 classes",
        "Marketplace Departments",
        ("Sellers on a marketplace often list items in the wrong department. Predict the right "
         "department from the listing title alone.",
         "Titles were anonymised: every word was replaced by a code word, consistently across the "
         "data set, so the same code always stands for the same word.\n\n"
         "- `train.csv.zip` - `id`, `title` and the `department`\n"
         "- `test.csv.zip` - `id` and `title`\n- `sample_submission.csv`",
         "Submissions are scored by the micro-averaged F1 score: true positives, false positives and "
         "false negatives are summed over all six departments before precision and recall are computed.",
         "One department per test listing:"),
        {"train.csv.zip": (train, "csv"), "test.csv.zip": (test_pub, "csv")}, sample, answers,
        {"task": "multiclass_classification", "metric": "micro_f1", "prediction": "label",
         "prediction_type": "str_label", "allowed_labels": classes, "id_column": "id",
         "target_columns": ["department"], "train_target_columns": ["department"]},
        (quick, "TF-IDF word 1-2grams of title, LogisticRegression(C=3)"),
        (frame(answers, "department", [const] * len(answers)), "most frequent train label"))


def many_classes_logloss():
    rng = np.random.RandomState(4202)
    k, f = 40, 14
    classes = [f"type_{i:02d}" for i in range(1, k + 1)]
    rates = np.exp(rng.normal(-0.3, 1.0, (k, f)))
    prior = np.exp(rng.normal(0, 0.6, k))
    prior /= prior.sum()
    n, n_test = 5450, 450
    y = rng.choice(k, n, p=prior)
    x = rng.poisson(rates[y] * rng.gamma(8, 1 / 8, (n, 1)))
    df = pd.DataFrame(x, columns=[f"feat_{j + 1}" for j in range(f)])
    df.insert(0, "id", np.arange(1, n + 1))
    df["target"] = np.array(classes)[y]
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["target"])
    onehot = pd.get_dummies(test["target"]).reindex(columns=classes, fill_value=0).astype(int)
    answers = pd.concat([test[["id"]], onehot], axis=1)
    sample = answers.copy()
    sample[classes] = 0
    sample[classes[0]] = 1
    cols = [c for c in df.columns if c.startswith("feat_")]
    scaler = StandardScaler().fit(train[cols])
    model = LogisticRegression(C=1, max_iter=3000).fit(scaler.transform(train[cols]), train["target"])
    proba = model.predict_proba(scaler.transform(test_pub[cols]))
    quick = answers[["id"]].copy()
    for j, c in enumerate(model.classes_):
        quick[c] = fmt_float(proba[:, j], 5)
    quick = quick[["id"] + classes]
    freq = train["target"].value_counts(normalize=True).reindex(classes, fill_value=0)
    trivial = answers[["id"]].copy()
    for c in classes:
        trivial[c] = f"{freq[c]:.6f}"
    fixture(
        "fx-many-classes-logloss", "D",
        "40 classes x 5000 rows x 14 count features under multi-class log loss (per-class probability "
        "columns): one-tree-per-class boosting is expensive, a linear model is cheap and good; zipped csv",
        "Parcel Type Recognition",
        ("A sorting centre scans parcels with fourteen sensors that count events (reflections, "
         "vibrations, ...). Tell the parcel's product type from the counts.",
         "- `train.csv.zip` - `id`, the counts `feat_1` ... `feat_14` and `target`, the product type "
         "(`type_01` ... `type_40`)\n- `test.csv.zip` - `id` and the counts\n"
         "- `sample_submission.csv` - the format, one probability column per type",
         "Submissions are evaluated using the multi-class logarithmic loss. Each parcel has exactly "
         "one true type; for each parcel you submit a probability for every type, and the score is\n\n"
         "    logloss = -1/N sum_i sum_j y_ij log(p_ij)\n\n"
         "Probabilities are clipped to [1e-15, 1 - 1e-15] and each row is rescaled to sum to one "
         "before scoring.",
         "A header with `id` and the 40 types, then one row per test parcel:"),
        {"train.csv.zip": (train, "csv"), "test.csv.zip": (test_pub, "csv")}, sample, answers,
        {"task": "multiclass_classification", "metric": "logloss", "prediction": "probability",
         "prediction_type": "probability", "id_column": "id", "target_columns": classes,
         "train_target_columns": ["target"], "labels": classes},
        (quick, "StandardScaler + LogisticRegression(C=1) on the counts"),
        (trivial, "train class frequencies"))


# ----------------------------------------------- E: hyperparameters matter

def few_rows_per_class():
    rng = np.random.RandomState(5101)
    k = 60
    names = syllable_words(rng, 2 * k + 600, 2, 3)
    classes = sorted(f"{a.capitalize()}_{b}" for a, b in zip(names[:k], names[k:2 * k]))
    vocab = names[2 * k:]
    common = vocab[:120]
    family_tokens = [vocab[120 + 12 * i:132 + 12 * i] for i in range(k // 3)]  # 20 families of 3
    own_tokens = [vocab[360 + 4 * i:364 + 4 * i] for i in range(k)]
    per_train, per_test = 12, 4
    rows = []
    for c in range(k):
        for r in range(per_train + per_test):
            toks = list(rng.choice(common, rng.randint(3, 6)))
            toks += list(rng.choice(family_tokens[c // 3], rng.randint(1, 4)))
            toks += [rng.choice(own_tokens[c]) for _ in range(rng.binomial(2, 0.5))]
            if rng.rand() < 0.5:  # a word typical of another species
                toks.append(rng.choice(own_tokens[rng.randint(k)]))
            rng.shuffle(toks)
            rows.append((c, r >= per_train, " ".join(toks)))
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    df = pd.DataFrame({"specimen": np.arange(1, len(rows) + 1), "notes": [r[2] for r in rows],
                       "species": [classes[r[0]] for r in rows]})
    is_test = np.array([r[1] for r in rows])
    train, test = df[~is_test].reset_index(drop=True), df[is_test].reset_index(drop=True)
    test_pub = test.drop(columns=["species"])
    onehot = pd.get_dummies(test["species"]).reindex(columns=classes, fill_value=0).astype(int)
    answers = pd.concat([test[["specimen"]], onehot], axis=1)
    sample = answers.copy()
    sample[classes] = 0
    sample[classes[0]] = 1

    vec = TfidfVectorizer(sublinear_tf=True)
    xt = vec.fit_transform(train["notes"])
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    grid = [1, 10, 100, 1000, 3000, 10000, 30000]
    cv = {}
    for c in grid:
        p = cross_val_predict(LogisticRegression(C=c, max_iter=3000), xt, train["species"], cv=folds,
                              method="predict_proba")
        yi = pd.Categorical(train["species"], categories=sorted(classes)).codes
        cv[c] = float(-np.mean(np.log(np.clip(p[np.arange(len(yi)), yi], 1e-15, 1))))
    best_c = min(grid, key=lambda c: cv[c])
    model = LogisticRegression(C=best_c, max_iter=3000).fit(xt, train["species"])
    proba = model.predict_proba(vec.transform(test_pub["notes"]))
    quick = answers[["specimen"]].copy()
    for j, c in enumerate(model.classes_):
        quick[c] = fmt_float(proba[:, j], 5)
    quick = quick[["specimen"] + classes]
    trivial = answers[["specimen"]].copy()
    for c in classes:
        trivial[c] = f"{1 / k:.6f}"
    fixture(
        "fx-few-rows-per-class", "E",
        f"60 classes x 12 train rows of short text under multi-class log loss: the regularisation "
        f"strength matters (5-fold CV log loss of TF-IDF + logistic regression: C=1 {cv[1]:.3f}, "
        f"best C={best_c:g} {cv[best_c]:.3f})",
        "Field Notes Identification",
        ("Botanists wrote short field notes on each specimen they collected. Every word has been "
         "replaced by a code word to hide the collection site. Identify each specimen's species.",
         "- `train.csv` - `specimen` number, the coded `notes` and the `species` (60 species, 12 "
         "specimens each)\n- `test.csv` - `specimen` and `notes`\n- `sample_submission.csv`",
         "We use the multi-class logarithmic loss. For every specimen you give a probability for each "
         "of the 60 species; the loss is minus the mean, over specimens, of the natural log of the "
         "probability given to the correct species. Probabilities are normalised per row and clipped "
         "away from 0 and 1 (1e-15). Confident wrong answers are punished heavily.",
         "Header: `specimen` followed by the species names; one row of probabilities per test "
         "specimen:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv")}, sample, answers,
        {"task": "multiclass_classification", "metric": "logloss", "prediction": "probability",
         "prediction_type": "probability", "id_column": "specimen", "target_columns": classes,
         "train_target_columns": ["species"], "labels": classes,
         "reference": {"cv_logloss_by_C": {f"{c:g}": round(v, 4) for c, v in cv.items()}}},
        (quick, f"TF-IDF words + LogisticRegression, C from {grid} by 5-fold CV log loss (C={best_c:g})"),
        (trivial, "uniform 1/60 (train classes are balanced)"))


# ------------------------------------------------------- F: ordinal target

def ordinal_qwk():
    rng = np.random.RandomState(6101)
    n, n_test = 1300, 350
    x = rng.normal(0, 1, (n, 6))
    product = rng.choice(["P1", "P2", "P3", "P4"], n)
    p_eff = pd.Series(product).map({"P1": 0.0, "P2": 0.5, "P3": -0.4, "P4": 1.0}).to_numpy()
    latent = (1.0 * x[:, 0] - 0.8 * x[:, 1] + 0.6 * x[:, 2] + 0.5 * np.tanh(2 * x[:, 3]) + p_eff
              + rng.normal(0, 0.7, n))
    share = np.array([0.09, 0.10, 0.04, 0.06, 0.11, 0.19, 0.16, 0.25])
    cuts = np.quantile(latent, np.cumsum(share)[:-1])
    risk = np.digitize(latent, cuts) + 1
    df = pd.DataFrame({"applicant": np.arange(1, n + 1), "product": product})
    for j, name in enumerate(["bmi_z", "age_z", "income_z", "history_z", "noise_a", "noise_b"]):
        df[name] = np.round(x[:, j], 3)
    df["risk_level"] = risk
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["risk_level"])
    answers = test[["applicant", "risk_level"]]
    sample = answers.assign(risk_level=8)
    cols = ["product", "bmi_z", "age_z", "income_z", "history_z", "noise_a", "noise_b"]
    xx = codes(pd.concat([train[cols], test_pub[cols]]), ["product"])
    xtr, xte = xx.iloc[:len(train)], xx.iloc[len(train):]
    mask = cat_mask(cols, {"product"})
    labels = list(range(1, 9))
    oof = cross_val_predict(hgb_reg(categorical_features=mask, max_iter=150, learning_rate=0.05), xtr,
                            train["risk_level"], cv=StratifiedKFold(5, shuffle=True, random_state=0))
    cut = qwk_cuts(oof, train["risk_level"].to_numpy(), labels)
    reg = hgb_reg(categorical_features=mask, max_iter=150, learning_rate=0.05).fit(xtr, train["risk_level"])
    quick = frame(answers, "risk_level", np.array(labels)[np.digitize(reg.predict(xte), cut)])
    clf = hgb_clf(categorical_features=mask).fit(xtr, train["risk_level"])
    const = best_label("qwk", train["risk_level"])
    fixture(
        "fx-ordinal-qwk-regression", "F",
        "ordinal labels 1..8 with skewed frequencies under quadratic weighted kappa: a regressor with "
        "cut points tuned out of fold beats classification (see reference.hgb_classifier_argmax)",
        "Applicant Risk Levels",
        ("An insurer assigns every applicant one of eight risk levels, 1 (lowest) to 8 (highest). "
         "Automate the assignment from the (standardised) application data.",
         "- `train.csv` - `applicant`, `product` applied for, six standardised answers from the "
         "application form, and `risk_level`\n- `test.csv` - the same without `risk_level`\n"
         "- `sample_submission.csv`",
         "Submissions are scored based on the quadratic weighted kappa, which measures the agreement "
         "between two ratings. It ranges from -1 to 1: 1 is complete agreement, 0 is the agreement "
         "expected by chance. The kappa is computed from the N x N histogram matrix O of actual versus "
         "predicted levels and weights w_ij = (i - j)^2 / (N - 1)^2.",
         "Give an integer risk level from 1 to 8 for each test applicant:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv")}, sample, answers,
        {"task": "multiclass_classification", "metric": "qwk", "prediction": "label",
         "prediction_type": "int_label", "allowed_labels": labels, "id_column": "applicant",
         "target_columns": ["risk_level"], "train_target_columns": ["risk_level"]},
        (quick, "HistGradientBoostingRegressor on the level + cut points tuned on 5-fold out-of-fold "
                "predictions (coordinate search)"),
        (frame(answers, "risk_level", [const] * len(answers)), "a constant level (kappa 0)"),
        refs={"hgb_classifier_argmax": frame(answers, "risk_level", clf.predict(xte))})


# ------------------------------------------------- G: structured strings

def code_parts():
    rng = np.random.RandomState(7101)
    n, n_test = 2200, 550
    deck = rng.choice(list("ABCDEFGH"), n, p=[0.05, 0.1, 0.1, 0.12, 0.18, 0.25, 0.15, 0.05])
    number = rng.randint(1, 1900, n)
    side = rng.choice(["L", "R"], n)
    berth = np.array([f"{d}/{k}/{s}" for d, k, s in zip(deck, number, side)], dtype=object)
    age = np.clip(np.round(rng.normal(35, 15, n)), 0, 80)
    fare = rng.choice([1, 2, 3], n, p=[0.25, 0.35, 0.4])
    luggage = np.round(rng.gamma(2, 8, n), 1)
    d_eff = pd.Series(deck).map(dict(zip("ABCDEFGH", [1.2, 0.8, 0.6, 0.0, -0.4, -0.8, 0.3, 1.5]))).to_numpy()
    logit = (d_eff + 0.9 * (side == "R") - 0.7 + 1.1 * ((number > 600) & (number < 1100))
             - 0.4 * (fare == 1) + 0.01 * (luggage - 16) + rng.logistic(0, 0.4, n))
    missed = logit > 0
    blank = rng.rand(n) < 0.02
    berth[blank] = ""
    df = pd.DataFrame({"ticket_id": [f"T{i:05d}" for i in range(n)], "berth": berth, "age": age,
                       "fare_class": fare, "luggage_kg": luggage,
                       "missed_connection": np.where(missed, "True", "False")})
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["missed_connection"])
    answers = test[["ticket_id", "missed_connection"]]
    sample = answers.assign(missed_connection="False")

    def parts(d):
        p = d["berth"].str.split("/", expand=True).reindex(columns=[0, 1, 2])
        return pd.DataFrame({"deck": p[0], "num": pd.to_numeric(p[1], errors="coerce"), "side": p[2],
                             "age": d["age"], "fare_class": d["fare_class"], "luggage_kg": d["luggage_kg"]})

    cols = ["deck", "num", "side", "age", "fare_class", "luggage_kg"]
    xx = codes(pd.concat([parts(train), parts(test_pub)]), ["deck", "side"])
    model = hgb_clf(categorical_features=cat_mask(cols, {"deck", "side"}))
    model.fit(xx.iloc[:len(train)], train["missed_connection"])
    quick = frame(answers, "missed_connection", model.predict(xx.iloc[len(train):]))
    raw_cols = ["berth", "age", "fare_class", "luggage_kg"]
    one = codes(pd.concat([train[raw_cols], test_pub[raw_cols]]), ["berth"])
    naive = hgb_clf().fit(one.iloc[:len(train)], train["missed_connection"])
    naive = frame(answers, "missed_connection", naive.predict(one.iloc[len(train):]))
    const = best_label("accuracy", train["missed_connection"])
    fixture(
        "fx-code-parts-accuracy", "G",
        "a `deck/number/side` code (`D/1234/L`, ~2000 levels, 2% blank) whose parts carry the signal "
        "(deck, side, a band of numbers); True/False labels; accuracy",
        "Ferry Connections",
        ("Night-ferry passengers with a train connection sometimes miss it because they leave the ship "
         "late. Predict who misses the connection.",
         "- `train.csv` - `ticket_id`, `berth` (deck/number/side, e.g. `C/1203/R`; blank if the "
         "passenger had no berth), `age`, `fare_class`, `luggage_kg` and `missed_connection` "
         "(True/False)\n- `test.csv` - the same without the target\n- `sample_submission.csv`",
         "The evaluation metric is accuracy: the share of test passengers whose outcome is predicted "
         "correctly.",
         "Predict `True` or `False` for each `ticket_id` of the test set:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv")}, sample, answers,
        {"task": "binary_classification", "metric": "accuracy", "prediction": "label",
         "prediction_type": "bool_label", "allowed_labels": ["False", "True"], "id_column": "ticket_id",
         "target_columns": ["missed_connection"], "train_target_columns": ["missed_connection"]},
        (quick, "HistGradientBoostingClassifier on berth split at '/' (deck, number, side) + the other "
                "columns"),
        (frame(answers, "missed_connection", [const] * len(answers)), "most frequent train label"),
        refs={"hgb_berth_as_one_code": naive})


def name_title_f1():
    rng = np.random.RandomState(7202)
    n, n_test = 1800, 450
    titles = ["Mr", "Mrs", "Miss", "Master", "Dr", "Rev", "Ms", "Col"]
    t_p = [0.42, 0.2, 0.18, 0.07, 0.05, 0.03, 0.03, 0.02]
    t_eff = dict(zip(titles, [-1.4, 1.0, 0.8, 0.5, 0.0, -2.0, 0.7, -0.3]))
    t_age = dict(zip(titles, [(38, 12), (40, 12), (22, 8), (8, 4), (48, 10), (52, 9), (33, 9), (55, 7)]))
    last = [w.capitalize() for w in syllable_words(rng, 700, 2, 3)]
    first = [w.capitalize() for w in syllable_words(rng, 300, 2, 2)]
    title = rng.choice(titles, n, p=t_p)
    age = np.array([max(0.5, round(rng.normal(*t_age[t]))) for t in title])
    names = []
    for t in title:
        s = f"{rng.choice(last)}, {t}. {rng.choice(first)}"
        if rng.rand() < 0.2:
            s += f" {rng.choice(first)[0]}."
        if t == "Mrs" and rng.rand() < 0.5:
            s += f" ({rng.choice(first)} {rng.choice(last)})"
        names.append(s)
    tier = rng.choice([1, 2, 3], n, p=[0.25, 0.3, 0.45])
    companions = rng.poisson(0.7, n)
    logit = (np.array([t_eff[t] for t in title]) + 0.7 * (tier == 1) - 0.5 * (tier == 3)
             - 0.3 * np.maximum(companions - 2, 0) - 0.01 * (age - 30) + rng.logistic(0, 0.5, n))
    selected = (logit > 0).astype(int)
    age_shown = age.astype(float)
    age_shown[rng.rand(n) < 0.2] = np.nan
    df = pd.DataFrame({"applicant_id": np.arange(5001, 5001 + n), "name": names, "age": age_shown,
                       "tier": tier, "companions": companions, "selected": selected})
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["selected"])
    answers = test[["applicant_id", "selected"]]
    sample = answers.assign(selected=0)

    def feats(d):
        return pd.DataFrame({"title": d["name"].str.extract(r",\s*([^.]+)\.")[0], "age": d["age"],
                             "tier": d["tier"], "companions": d["companions"]})

    cols = ["title", "age", "tier", "companions"]
    xx = codes(pd.concat([feats(train), feats(test_pub)]), ["title"])
    xtr, xte = xx.iloc[:len(train)], xx.iloc[len(train):]
    make = lambda: hgb_clf(categorical_features=cat_mask(cols, {"title"}), max_iter=100,  # noqa: E731
                           learning_rate=0.05)
    oof = cross_val_predict(make(), xtr, train["selected"], cv=StratifiedKFold(5, shuffle=True, random_state=0),
                            method="predict_proba")[:, 1]
    from sklearn.metrics import f1_score
    grid = np.arange(0.1, 0.91, 0.02)
    thr = max(grid, key=lambda t: f1_score(train["selected"], (oof > t).astype(int)))
    model = make().fit(xtr, train["selected"])
    quick = frame(answers, "selected", (model.predict_proba(xte)[:, 1] > thr).astype(int))
    plain = ["age", "tier", "companions"]
    oof = cross_val_predict(hgb_clf(max_iter=100, learning_rate=0.05), xtr[plain], train["selected"],
                            cv=StratifiedKFold(5, shuffle=True, random_state=0), method="predict_proba")[:, 1]
    thr0 = max(grid, key=lambda t: f1_score(train["selected"], (oof > t).astype(int)))
    naive = hgb_clf(max_iter=100, learning_rate=0.05).fit(xtr[plain], train["selected"])
    naive = frame(answers, "selected", (naive.predict_proba(xte[plain])[:, 1] > thr0).astype(int))
    const = best_label("f1", train["selected"], {"positive_label": "1"})
    fixture(
        "fx-name-title-f1", "G",
        "a `Last, Title. First` name field whose title token carries most of the signal (sex, age "
        "group); age 20% blank; binary F1 of class 1",
        "Scholarship Shortlist",
        ("A foundation shortlists applicants for a travel scholarship. Predict who gets shortlisted.",
         "- `train.csv` - `applicant_id`, `name` as written on the form (`Last, Title. First`, "
         "sometimes with an initial or a maiden name in brackets), `age` (blank if not given), the "
         "programme `tier` (1-3), the number of `companions`, and `selected` (1 = shortlisted)\n"
         "- `test.csv` - the same without `selected`\n- `sample_submission.csv`",
         "Submissions are evaluated using F1 between the predicted and the expected answers, where "
         "class 1 (shortlisted) is the positive class: F1 = 2 * precision * recall / (precision + "
         "recall).",
         "For each applicant in the test set, predict 1 (shortlisted) or 0:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv")}, sample, answers,
        {"task": "binary_classification", "metric": "f1", "prediction": "label",
         "prediction_type": "int_label", "allowed_labels": [0, 1], "positive_label": "1",
         "id_column": "applicant_id", "target_columns": ["selected"], "train_target_columns": ["selected"]},
        (quick, f"title = regex ', (...)\\.' of name + age, tier, companions; "
                f"HistGradientBoostingClassifier, threshold tuned on out-of-fold F1 ({thr:.2f})"),
        (frame(answers, "selected", [const] * len(answers)),
         "the constant label with the best train F1 (every applicant shortlisted)"),
        refs={"hgb_without_name": naive})


# --------------------------------------------- point 6: formats and metrics

def tsv_medae():
    rng = np.random.RandomState(8101)
    n, n_test = 2000, 500
    brand = rng.choice([f"b{i:02d}" for i in range(30)], n)
    category = rng.choice(["phone", "laptop", "tablet", "camera", "audio", "watch"], n)
    cond = rng.randint(1, 6, n)
    ship = rng.randint(0, 2, n)
    weight = np.round(rng.gamma(3, 150, n))
    b_eff = rng.normal(0, 0.4, 30)[pd.Series(brand).str[1:].astype(int).to_numpy()]
    c_eff = pd.Series(category).map({"phone": 5.0, "laptop": 5.8, "tablet": 4.9, "camera": 5.3,
                                     "audio": 4.2, "watch": 4.6}).to_numpy()
    base = np.exp(c_eff + b_eff - 0.12 * (cond - 1) + 0.0003 * weight)
    noise = rng.standard_t(1.5, n) * 0.06 * base
    outlier = rng.rand(n) < 0.08
    price = np.round(np.maximum(base + noise + outlier * rng.exponential(2.0, n) * base, 1), 0)
    df = pd.DataFrame({"item_id": np.arange(n), "category": category, "brand": brand,
                       "item_condition": cond, "shipping": ship, "weight_g": weight, "price": price})
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    train = train.rename(columns={"item_id": "train_id"})
    test_pub = test.drop(columns=["price"]).rename(columns={"item_id": "test_id"})
    answers = test[["item_id"]].rename(columns={"item_id": "test_id"}).assign(price=test["price"].to_numpy())
    sample = answers.assign(price=100)
    cols = ["category", "brand", "item_condition", "shipping", "weight_g"]
    xx = codes(pd.concat([train[cols], test_pub[cols]]), ["category", "brand"])
    model = hgb_reg(loss="absolute_error", categorical_features=cat_mask(cols, {"category", "brand"}))
    model.fit(xx.iloc[:len(train)], train["price"])
    quick = frame(answers, "price", fmt_float(model.predict(xx.iloc[len(train):]), 2))
    sq = hgb_reg(categorical_features=cat_mask(cols, {"category", "brand"})).fit(xx.iloc[:len(train)], train["price"])
    sq = frame(answers, "price", fmt_float(sq.predict(xx.iloc[len(train):]), 2))
    c, how = best_constant("medae", train["price"])
    fixture(
        "fx-tsv-medae", "6",
        "tab-separated train.tsv / test.tsv (ids `train_id` vs `test_id`), csv sample; median absolute "
        "error with heavy-tailed noise and 8% gross outliers",
        "Second-hand Gadget Prices",
        ("Suggest a price for second-hand gadgets listed by private sellers.",
         "The files are tab-delimited.\n\n- `train.tsv` - `train_id`, `category`, `brand` (coded), "
         "`item_condition` (1 = new ... 5 = poor), `shipping` (1 if the seller pays it), `weight_g` "
         "and the sale `price`\n- `test.tsv` - `test_id` and the same features\n"
         "- `sample_submission.csv` - comma-separated, as usual",
         "The score is the median absolute error: the median, over all test items, of |predicted "
         "price - sale price|. Some sales are far from the usual price for odd reasons; the median "
         "ignores them. Lower is better.",
         "A comma-separated file with `test_id` and your `price`:"),
        {"train.tsv": (train, "tsv"), "test.tsv": (test_pub, "tsv")}, sample, answers,
        {"task": "regression", "metric": "medae", "prediction": "value", "prediction_type": "real",
         "id_column": "test_id", "target_columns": ["price"], "train_target_columns": ["price"]},
        (quick, "HistGradientBoostingRegressor(absolute_error) on the raw columns, categories native"),
        (frame(answers, "price", [c] * len(answers)), how),
        refs={"hgb_squared_error": sq})


def json_list_map3():
    rng = np.random.RandomState(8202)
    genres = ["ambient", "blues", "classical", "country", "drum_and_bass", "folk", "hip_hop", "jazz",
              "metal", "pop", "reggae", "techno"]
    artists = syllable_words(rng, 12 * 14 + 30, 2, 2)
    popular = artists[:30]
    own = [artists[30 + 14 * i:30 + 14 * (i + 1)] for i in range(12)]
    near = {i: [(i + 1) % 12, (i - 1) % 12] for i in range(12)}
    prior = np.exp(rng.normal(0, 0.5, 12))
    prior /= prior.sum()
    n, n_test = 1100, 300
    y = rng.choice(12, n, p=prior)
    plays = []
    for g in y:
        lst = []
        for _ in range(rng.randint(2, 7)):
            u = rng.rand()
            if u < 0.35:
                lst.append(rng.choice(own[g]))
            elif u < 0.6:
                lst.append(rng.choice(own[rng.choice(near[g])]))
            else:
                lst.append(rng.choice(popular))
        plays.append(sorted(set(lst)))
    plan = rng.choice(["free", "premium"], n, p=[0.7, 0.3])
    df = pd.DataFrame({"listener": np.arange(70001, 70001 + n), "plan": plan, "top_artists": plays,
                       "genre": np.array(genres)[y]})
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["genre"])
    answers = test[["listener", "genre"]]
    top3 = " ".join(train["genre"].value_counts().index[:3])
    sample = answers.assign(genre=top3)
    vec = TfidfVectorizer(analyzer=lambda lst: lst)
    model = LogisticRegression(C=3, max_iter=3000).fit(vec.fit_transform(train["top_artists"]), train["genre"])
    proba = model.predict_proba(vec.transform(test_pub["top_artists"]))
    best = np.argsort(-proba, axis=1, kind="stable")[:, :3]
    quick = frame(answers, "genre", [" ".join(model.classes_[r]) for r in best])
    fixture(
        "fx-json-list-map3", "6",
        "train.json / test.json records with a list-valued field (`top_artists`, the only signal); "
        "MAP@3 over up to 3 space-separated labels (label_list), labels with underscores",
        "Favourite Genre",
        ("A streaming service asks new listeners for a handful of artists they like and wants to "
         "suggest the genre they will listen to most.",
         "- `train.json` - a JSON array of listeners: `listener` (id), `plan`, `top_artists` (a list "
         "of coded artist names) and `genre`, the genre they listened to most in their first month\n"
         "- `test.json` - the same records without `genre`\n- `sample_submission.csv`\n\n"
         "Genres: " + ", ".join(genres) + ".",
         "Submissions are evaluated according to the Mean Average Precision at 3 (MAP@3). Each "
         "listener has one correct genre: a row scores 1 if it is your first guess, 1/2 if your "
         "second, 1/3 if your third and 0 otherwise; the score is the mean over listeners.",
         "For every listener in `test.json`, up to three genres separated by spaces, best first:"),
        {"train.json": (train, "json"), "test.json": (test_pub, "json")}, sample, answers,
        {"task": "multiclass_classification", "metric": "map_at_k", "k": 3, "prediction": "label_list",
         "prediction_type": "label_list", "allowed_labels": genres, "id_column": "listener",
         "target_columns": ["genre"], "train_target_columns": ["genre"]},
        (quick, "TF-IDF over the artist list (one token per artist), LogisticRegression(C=3), the 3 most "
                "probable genres"),
        (frame(answers, "genre", [top3] * len(answers)), "the 3 most frequent train genres"))


def inside_train_smape():
    rng = np.random.RandomState(8303)
    shops, products, weeks = 10, 40, 6
    grid = np.array([(s, p, w) for s in range(shops) for p in range(products) for w in range(weeks)])
    n = len(grid)
    s_eff = rng.normal(0, 0.4, shops)[grid[:, 0]]
    p_eff = rng.normal(0, 0.9, products)[grid[:, 1]]
    ref = np.round(np.exp(rng.normal(1.5, 0.5, products)), 2)
    promo = (rng.rand(n) < 0.2).astype(int)
    price = np.round(ref[grid[:, 1]] * np.where(promo, 0.8, 1.0) * rng.uniform(0.95, 1.05, n), 2)
    log_mu = 1.8 + s_eff + p_eff + 0.6 * promo + 0.15 * np.sin(grid[:, 2]) \
        - 0.8 * np.log(price / ref[grid[:, 1]])
    units = rng.poisson(np.exp(log_mu + rng.normal(0, 0.2, n)))
    df = pd.DataFrame({"row_id": np.arange(n), "shop": [f"S{s:02d}" for s in grid[:, 0]],
                       "product": [f"P{p:03d}" for p in grid[:, 1]], "week": grid[:, 2] + 1,
                       "price": price, "on_promo": promo, "units": units.astype(float)})
    df = df.iloc[rng.permutation(n)].reset_index(drop=True)
    df["row_id"] = np.arange(n)
    is_test = rng.rand(n) < 0.25
    data = df.copy()
    data["units"] = data["units"].astype(int).astype(str)
    data.loc[is_test, "units"] = ""
    answers = df.loc[is_test, ["row_id", "units"]].reset_index(drop=True)
    answers["units"] = answers["units"].astype(int)
    sample = answers.assign(units=1)
    train = df[~is_test].reset_index(drop=True)
    test = df[is_test].reset_index(drop=True)
    cols = ["shop", "product", "week", "price", "on_promo"]
    xx = codes(pd.concat([train[cols], test[cols]]), ["shop", "product"])
    model = hgb_reg(categorical_features=cat_mask(cols, {"shop", "product"}))
    model.fit(xx.iloc[:len(train)], train["units"])
    quick = frame(answers, "units", fmt_float(np.maximum(model.predict(xx.iloc[len(train):]), 0), 3))
    logm = hgb_reg(categorical_features=cat_mask(cols, {"shop", "product"}))
    logm.fit(xx.iloc[:len(train)], np.log1p(train["units"]))
    logm = frame(answers, "units", fmt_float(np.maximum(np.expm1(logm.predict(xx.iloc[len(train):])), 0), 3))
    c, how = best_constant("smape", train["units"])
    fixture(
        "fx-inside-train-smape", "6",
        "a single data.csv holding train and test rows (test = blank `units`), no test file; SMAPE "
        "(in percent) on small counts, zeros included",
        "Shop Shelf Demand",
        ("Forecast how many units of each product a shop sold in a week, to fill in the gaps of a "
         "retailer's sales ledger.",
         "- `data.csv` - every (shop, product, week) row: `row_id`, `shop`, `product`, `week`, the "
         "`price` charged, `on_promo` and `units` sold. **`units` is empty for the rows you must "
         "predict**; there is no separate test file.\n- `sample_submission.csv` - the rows to predict",
         "Submissions are evaluated on SMAPE between forecasts and actual values, in percent:\n\n"
         "    SMAPE = 100/n * sum_i 2 |F_i - A_i| / (|A_i| + |F_i|)\n\n"
         "with a term defined as 0 when A_i and F_i are both 0.",
         "For each `row_id` of the sample submission, the forecast number of units:"),
        {"data.csv": (data, "csv")}, sample, answers,
        {"task": "regression", "metric": "smape", "prediction": "value", "prediction_type": "real",
         "id_column": "row_id", "target_columns": ["units"], "train_target_columns": ["units"],
         "train_file": "data.csv"},
        (quick, "HistGradientBoostingRegressor on the raw columns, categories native"),
        (frame(answers, "units", [c] * len(answers)), how),
        refs={"hgb_on_log1p_units": logm})


def aux_table_wmae():
    rng = np.random.RandomState(8404)
    n, n_test = 640, 170
    region = rng.choice(["north", "south", "east", "west"], n)
    key = rng.rand(n) < 0.15
    activity = rng.gamma(2, 1.2, n) * np.where(key, 2.0, 1.0)
    ticket = np.exp(rng.normal(3.5, 0.5, n)) * np.where(key, 1.6, 1.0)
    web_pref = rng.beta(2, 2, n)
    tx = []
    for a in range(n):
        for _ in range(1 + rng.poisson(activity[a] * 2)):
            ch = "web" if rng.rand() < web_pref[a] else rng.choice(["store", "phone"])
            tx.append((a, rng.randint(1, 13), round(ticket[a] * rng.lognormal(0, 0.4), 2), ch))
    txf = pd.DataFrame(tx, columns=["acc", "month", "amount", "channel"])
    stats = txf.groupby("acc").agg(total=("amount", "sum"), count=("amount", "size"))
    web_share = txf.assign(w=txf["channel"] == "web").groupby("acc")["w"].mean()
    r_eff = pd.Series(region).map({"north": 1.0, "south": 0.9, "east": 1.15, "west": 1.05}).to_numpy()
    spend = (0.3 * stats["total"].to_numpy() * r_eff * (1 + 0.3 * web_share.to_numpy())
             + rng.normal(0, 15, n))
    ids = [f"AC{i:04d}" for i in rng.permutation(np.arange(1000, 1000 + n))]
    txf["account_id"] = [ids[a] for a in txf["acc"]]
    txf = txf[["account_id", "month", "amount", "channel"]].sort_values(["month", "account_id"],
                                                                        kind="stable")
    df = pd.DataFrame({"account_id": ids, "region": region,
                       "key_account": np.where(key, "True", "False"),
                       "spend_next_quarter": np.round(np.maximum(spend, 0), 2)})
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["spend_next_quarter"])
    answers = test[["account_id", "spend_next_quarter"]]
    sample = answers.assign(spend_next_quarter=0)
    weights = pd.DataFrame({"account_id": test["account_id"],
                            "weight": np.where(test["key_account"] == "True", 5, 1)})

    agg = txf.groupby("account_id").agg(tx_count=("amount", "size"), tx_sum=("amount", "sum"),
                                        tx_mean=("amount", "mean"), tx_max=("amount", "max"),
                                        web_share=("channel", lambda c: (c == "web").mean()))
    cols = ["region", "key_account", "tx_count", "tx_sum", "tx_mean", "tx_max", "web_share"]
    both = pd.concat([train, test_pub]).merge(agg, left_on="account_id", right_index=True, how="left")
    xx = codes(both[cols], ["region", "key_account"])
    w_train = np.where(train["key_account"] == "True", 5.0, 1.0)
    model = hgb_reg(loss="absolute_error", categorical_features=cat_mask(cols, {"region", "key_account"}))
    model.fit(xx.iloc[:len(train)], train["spend_next_quarter"], sample_weight=w_train)
    quick = frame(answers, "spend_next_quarter", fmt_float(model.predict(xx.iloc[len(train):]), 2))
    naive = hgb_reg(loss="absolute_error", categorical_features=[True, True])
    naive.fit(xx.iloc[:len(train), :2], train["spend_next_quarter"], sample_weight=w_train)
    naive = frame(answers, "spend_next_quarter", fmt_float(naive.predict(xx.iloc[len(train):, :2]), 2))
    c, how = best_constant("wmae", train["spend_next_quarter"], w_train)
    fixture(
        "fx-aux-table-wmae", "6",
        "an auxiliary transactions.csv (one-to-many on `account_id`, to be aggregated) holds the "
        "signal; WMAE with weight 5 where the `key_account` column is True",
        "Next Quarter Spend",
        ("A wholesaler wants to know how much each business customer will spend next quarter.",
         "- `train.csv` - `account_id`, `region`, `key_account` (True/False) and "
         "`spend_next_quarter`\n- `test.csv` - the accounts to predict\n"
         "- `transactions.csv` - this year's purchases of every account (train and test): "
         "`account_id`, `month`, `amount`, `channel`; an account has one row per purchase\n"
         "- `sample_submission.csv`",
         "Submissions are evaluated on the weighted mean absolute error,\n\n"
         "    WMAE = 1 / sum(w_i) * sum_i w_i |y_i - yhat_i|\n\n"
         "where the weight w_i is 5 for key accounts (`key_account` is True) and 1 for all other "
         "accounts. Lower is better.",
         "For every `account_id` in the test set, predict the spend of the next quarter:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv"), "transactions.csv": (txf, "csv")},
        sample, answers,
        {"task": "regression", "metric": "wmae", "prediction": "value", "prediction_type": "real",
         "id_column": "account_id", "target_columns": ["spend_next_quarter"],
         "train_target_columns": ["spend_next_quarter"],
         "weights_rule": "5 where key_account is True, else 1"},
        (quick, "transactions aggregated per account (count, sum, mean, max, web share) merged; "
                "HistGradientBoostingRegressor(absolute_error) weighted 5/1"),
        (frame(answers, "spend_next_quarter", [c] * len(answers)), how),
        weights=weights, refs={"hgb_without_transactions": naive})


def aux_levels_auc():
    rng = np.random.RandomState(8505)
    n, n_test = 1400, 360
    crop = rng.choice(["wheat", "barley", "oats"], n, p=[0.5, 0.3, 0.2])
    wet = rng.normal(30, 8, n)          # how wet the plot is: the mean of both probes, no signal
    gap = rng.normal(0, 3, n)           # deep minus shallow moisture: the signal
    warm = rng.normal(14, 3, n)
    c_eff = pd.Series(crop).map({"wheat": 0.0, "barley": 0.3, "oats": -0.2}).to_numpy()
    logit = 1.1 * gap + c_eff - 0.3 + rng.logistic(0, 0.6, n)
    blight = (logit > 0).astype(int)
    ids = [f"PL{i:05d}" for i in rng.permutation(np.arange(10000, 10000 + n))]
    rows = []
    for i in range(n):
        for probe, m in (("shallow", wet[i] - gap[i] / 2), ("deep", wet[i] + gap[i] / 2)):
            if rng.rand() < 0.03:
                continue  # a probe that failed: no row
            rows.append((ids[i], probe, round(m + rng.normal(0, 0.3), 2),
                         round(warm[i] + (1.5 if probe == "shallow" else -1.5) + rng.normal(0, 0.5), 2)))
    readings = pd.DataFrame(rows, columns=["plot_id", "probe", "moisture", "soil_temp"])
    readings = readings.iloc[rng.permutation(len(readings))].reset_index(drop=True)
    df = pd.DataFrame({"plot_id": ids, "crop": crop, "area_ha": np.round(rng.gamma(3, 1.5, n), 2),
                       "blight": blight})
    tr, te = split(n, n_test, rng)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    test_pub = test.drop(columns=["blight"])
    answers = test[["plot_id", "blight"]]
    sample = answers.assign(blight=0.5)

    wide = readings.pivot_table(index="plot_id", columns="probe", values=["moisture", "soil_temp"])
    wide.columns = [f"{v}_{p}" for v, p in wide.columns]
    means = readings.groupby("plot_id")[["moisture", "soil_temp"]].mean()
    both = pd.concat([train, test_pub])
    cols = ["crop", "area_ha"] + list(wide.columns)
    xx = codes(both.merge(wide, left_on="plot_id", right_index=True, how="left")[cols], ["crop"])
    model = hgb_clf(categorical_features=cat_mask(cols, {"crop"}))
    model.fit(xx.iloc[:len(train)], train["blight"])
    quick = frame(answers, "blight", fmt_float(model.predict_proba(xx.iloc[len(train):])[:, 1]))
    mcols = ["crop", "area_ha", "moisture", "soil_temp"]
    mm = codes(both.merge(means, left_on="plot_id", right_index=True, how="left")[mcols], ["crop"])
    naive = hgb_clf(categorical_features=cat_mask(mcols, {"crop"})).fit(mm.iloc[:len(train)], train["blight"])
    naive = frame(answers, "blight", fmt_float(naive.predict_proba(mm.iloc[len(train):])[:, 1]))
    fixture(
        "fx-aux-levels-auc", "6",
        "an auxiliary readings.csv with one row per plot and probe depth (`probe` = shallow / deep): "
        "the signal is the moisture gap between the depths, which a mean per plot erases; the table "
        "must be pivoted to one column per depth (see reference.hgb_on_means_per_plot)",
        "Root Blight",
        ("Agronomists want to know which field plots will show root blight this season, from the "
         "soil probes installed in every plot.",
         "- `train.csv` - `plot_id`, `crop`, `area_ha` and `blight` (1 if the plot showed blight)\n"
         "- `test.csv` - the plots to predict\n"
         "- `readings.csv` - the soil probes of every plot (train and test): `plot_id`, `probe` "
         "(the depth: shallow or deep), `moisture` (%) and `soil_temp` (C); one row per plot and "
         "probe (a failed probe has no row)\n- `sample_submission.csv`",
         "Submissions are evaluated on area under the ROC curve between the predicted probability "
         "and the observed target.",
         "For every `plot_id` in the test set, predict the probability of blight:"),
        {"train.csv": (train, "csv"), "test.csv": (test_pub, "csv"), "readings.csv": (readings, "csv")},
        sample, answers,
        {"task": "binary_classification", "metric": "auc", "prediction": "probability",
         "prediction_type": "probability", "positive_label": "1", "id_column": "plot_id",
         "target_columns": ["blight"], "train_target_columns": ["blight"]},
        (quick, "readings pivoted to one column per probe and value, merged; "
                "HistGradientBoostingClassifier"),
        (frame(answers, "blight", ["0.5"] * len(answers)), "constant probability (AUC 0.5)"),
        refs={"hgb_on_means_per_plot": naive})


MAKERS = [target_first_rows, id_last, key_datetime, key_group_member, metric_log_rmse, metric_r2,
          text_only_micro_f1, many_classes_logloss, few_rows_per_class, ordinal_qwk, code_parts,
          name_title_f1, tsv_medae, json_list_map3, inside_train_smape, aux_table_wmae,
          aux_levels_auc]

if __name__ == "__main__":
    only = set(os.environ.get("FIXTURES", "").split())
    for make in MAKERS:
        if not only or make.__name__ in only:
            make()
    print(f"{'slug':28} {'class':5} {'metric':9} {'quick':>10} {'trivial':>10} {'bytes':>7}")
    for slug, cls, metric, q, t, size in SUMMARY:
        print(f"{slug:28} {cls:5} {metric:9} {q:10.4f} {t:10.4f} {size:7d}")
    print("wrote", os.path.normpath(OUT))
