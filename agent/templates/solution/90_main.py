
# ---------------------------------------------------------------------- main

SEED = int(PLAN.get("seed", 42)) if isinstance(PLAN, dict) else 42
FEATURE_SETS = {"base": ["base"], "rich": ["base", "rich", "pair"], "full": ["base", "rich", "pair", "aux", "auxm"],
                "pivot": ["base", "rich", "pair", "aux", "auxp"]}
AUX_GROUPS = ("aux", "auxm")


class Context:
    """What every part of the run shares."""

    def __init__(self, layout, targets, features, metric, budget):
        self.layout, self.targets, self.features = layout, targets, features
        self.metric = metric
        self.matrices = Matrices(features)
        self.n_train, self.n_test = len(layout.train), len(layout.test)
        self.budget = budget
        self.reserve = min(10.0, 0.08 * budget)
        self.weights = None
        self.scoring = None
        self.trivial = None
        self.stop_mask = StopSplit()

    def set_decision(self, decision):
        for part in self.scoring.parts:
            part.decision = decision


def metric_weights(train):
    """Per-row weights of a weighted metric (WMAE: holiday weeks count 5x)."""
    spec = PROFILE["metric"].get("weights") or {}
    col = find_column(train.columns, spec.get("column", "")) if spec.get("column") else None
    if col is None:
        return None
    flag = train[col].astype(str).str.strip().str.lower().isin(["true", "1", "yes", "t", "1.0"])
    return np.where(flag, float(spec.get("value", 5)), 1.0)


def feature_columns(layout, targets):
    """ColumnInfo of every column train and test share, bar targets and ids."""
    train, test = layout.train, layout.test
    exclude = {t.column for t in targets} | {t["train_column"] for t in PROFILE["targets"]}
    keys = set()
    for k in layout.key_columns + [PROFILE.get("train_id_column") or "", PROFILE.get("id_column") or ""]:
        for frame in (train, test):
            c = find_column(frame.columns, k) if k else None
            if c is not None:
                keys.add(c)
    infos = []
    renames = {}
    for c in train.columns:
        if c in exclude:
            continue
        tc = find_column(test.columns, c)
        if tc is None:
            continue
        if tc != c:
            renames[tc] = c
        both = pd.concat([train[c], test[tc]], ignore_index=True)
        info = classify_column(c, both, len(both))
        if (c in keys or tc in keys) and info.kind not in ("datetime", "code", "text", "phrase", "list"):
            unique = both.astype(str).nunique() >= 0.98 * len(both)
            if unique or info.kind == "id":
                info = ColumnInfo(c, "id", key=True)
        infos.append(info)
    if renames:
        layout.test = layout.test.rename(columns=renames)
    return infos


def applicable(cand, ctx, infos):
    need = cand.get("requires")
    t = ctx.targets[0]
    if cand.get("text") and not ctx.matrices.has_text(cand["groups"], cand["text"]):
        return "no text columns"
    if cand["model"] in ("logistic_regression",) and not t.n_classes:
        cand["model"] = "ridge"
    if cand["model"] == "ridge" and t.n_classes:
        cand["model"] = "logistic_regression"
    if need == "positive_skewed_target":
        if t.n_classes or ctx.metric in ABSOLUTE_METRICS or ctx.metric in ("rmsle", "mcrmsle", "rmse_log"):
            return "not a squared-error metric"
        y = t.y_raw[t.mask]
        if (y <= 0).any() or pd.Series(y).skew() < 1.0:
            return "target not positive and skewed"
    if need == "label_metric" and not (t.n_classes and ctx.metric in LABEL_METRICS + RANK_METRICS):
        return "the metric scores probabilities"
    if need == "ordinal" and not (t.n_classes > 2 and ctx.metric == "qwk"):
        return "not an ordinal metric"
    if need == "small" and ctx.n_train > int(cand.get("max_rows", 5000)):
        return f"more than {cand.get('max_rows', 5000)} rows"
    if need == "wide":
        _, _, names = ctx.matrices.dense(cand["groups"])
        if len(names) < 0.3 * ctx.n_train:
            return "not wide data"
    if (cand.get("params") or {}).get("target_encoding") and not ctx.features.encodable:
        return "no high-cardinality categories to encode"
    if cand["model"] == "svm" and ctx.n_train > 5000:
        return "more than 5000 rows"
    return None


def feature_signature(features, fs):
    """The columns a feature set really holds (rich may add nothing to base)."""
    if fs == "best":
        return "best"
    groups = FEATURE_SETS[fs]
    return tuple(sorted([c for c in features.columns if features.group[c] in groups] +
                        ["text:" + t for t in features.texts if features.text_group[t] in groups]))


def candidate_list(ctx, infos):
    """The plan's candidates that apply here, the text model first when text
    carries the signal, feature sets resolved to groups."""
    out, skipped = [], []
    present = ctx.features.groups()
    has_aux = any(g in present for g in AUX_GROUPS)
    seen = set()
    for c in PLAN.get("candidates", []):
        cand = dict(c)
        fs = cand.get("features", "base")
        if fs not in FEATURE_SETS and fs != "best":
            fs = "rich"
        if fs == "full" and not has_aux:
            fs = "rich"
        cand["feature_set"] = fs
        cand["groups"] = FEATURE_SETS.get(fs, FEATURE_SETS["rich"])
        if fs == "pivot" and "auxp" not in present:
            skipped.append((cand, "skipped: no side table with several rows per key told apart by a level"))
            continue
        if fs != "best":
            why = applicable(cand, ctx, infos)
            if why:
                skipped.append((cand, "skipped: " + why))
                continue
        text = cand.get("text") or ""
        if text:
            groups = FEATURE_SETS.get(fs, FEATURE_SETS["rich"])
            names = [n for n in ctx.features.texts if ctx.features.text_group[n] in groups]
            longer = [n for n in names if ctx.features.text_kind.get(n) != "phrase"]
            text = tuple(names if text == "all" or not longer else longer)
        key = (cand["model"], feature_signature(ctx.features, fs),
               json.dumps(cand.get("params"), sort_keys=True), text)
        if key in seen:
            continue
        seen.add(key)
        out.append(cand)
    text_kinds = [i for i in infos if i.kind in ("text", "list", "phrase")]
    other = [i for i in infos if i.kind not in ("text", "list", "phrase", "id", "empty")]
    if text_kinds and len(other) <= 2 * len(text_kinds) + 1:
        texts = [c for c in out if c.get("text")]
        for c in texts:
            c["share"] = 0.5  # the text models are where the signal is: a larger share each
        if texts and out[0] is not texts[0]:
            out.remove(texts[0])
            out.insert(0, texts[0])
            log(f"text carries the signal: {texts[0]['name']} runs first")
    n_classes = max([t.n_classes or 0 for t in ctx.targets] or [0])
    if n_classes > MANY_CLASSES and out and out[0]["model"] in BOOSTING and not out[0].get("text"):
        # Boosting grows one tree per class and round: with many classes the
        # baseline would eat the budget. A linear model is the cheap
        # baseline; boosting follows with its capped share.
        # On the raw columns, as a quick baseline would be: the rich
        # design's extra columns slow the solver and rarely help it here.
        linear = [c for c in out if MODEL_CLASSES.get(c["model"]) is LinearModel and not c.get("text")]
        if linear:
            first = dict(linear[0], name=linear[0]["name"] + "_base", feature_set="base",
                         groups=FEATURE_SETS["base"])
            if applicable(first, ctx, infos) is None:
                out.insert(0, first)
                log(f"{n_classes} classes: {first['name']} is the baseline, boosting follows")
    ordinal = [c for c in out if c.get("requires") == "ordinal"]
    if ordinal:
        # Ordinal classes: the baseline is a regression with tuned cut points.
        first = dict(ordinal[0], feature_set="base", groups=FEATURE_SETS["base"])
        if applicable(first, ctx, infos) is None:
            out.remove(ordinal[0])
            out.insert(0, first)
    return out, skipped


def resolve_best(cand, entries, ctx):
    """'best' feature set: the one the boosting candidates scored higher on."""
    scored = {}
    for e in entries:
        if e.cand["model"] == "hist_gradient_boosting" and e.cv_score is not None and e.complete(len(ctx.folds)):
            fs = e.cand["feature_set"]
            if fs not in scored or ctx.scoring.better(e.cv_score, scored[fs]):
                scored[fs] = e.cv_score
    best = None
    for fs, s in scored.items():
        if best is None or ctx.scoring.better(s, scored[best]):
            best = fs
    fs = best or ("full" if any(g in ctx.features.groups() for g in AUX_GROUPS) else "rich")
    cand = dict(cand)
    cand["feature_set"], cand["groups"] = fs, FEATURE_SETS[fs]
    return cand
