
# ------------------------------------------------------------------ metrics
# Every metric the profile may name. Classification metrics read class
# probabilities (n x K) and turn them into what they score (labels, top-k
# lists) with the decision tuned on out-of-fold predictions; regression
# metrics read values on the target's own scale.

LABEL_METRICS = ("accuracy", "f1", "micro_f1", "macro_f1", "weighted_f1", "qwk", "mcc")
PROBA_METRICS = ("auc", "logloss", "binary_logloss", "mean_columnwise_auc", "brier")
RANK_METRICS = ("map_at_k",)
ABSOLUTE_METRICS = ("mae", "medae", "wmae", "mape", "smape")  # fit an absolute-error loss
HIGHER_BETTER = ("accuracy", "f1", "micro_f1", "macro_f1", "weighted_f1", "qwk", "mcc",
                 "auc", "mean_columnwise_auc", "map_at_k", "r2", "pearson", "spearman")


def higher_is_better(metric):
    return metric in HIGHER_BETTER


def normalise(proba):
    p = np.clip(np.asarray(proba, dtype=float), 1e-15, 1.0)
    return p / p.sum(axis=1, keepdims=True)


def f1_binary(yb, pb):
    tp = float(np.sum((yb == 1) & (pb == 1)))
    fp = float(np.sum((yb == 0) & (pb == 1)))
    fn = float(np.sum((yb == 1) & (pb == 0)))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def quadratic_kappa(y, p, k):
    o = np.zeros((k, k))
    np.add.at(o, (y, p), 1)
    w = (np.subtract.outer(np.arange(k), np.arange(k)) ** 2) / max((k - 1) ** 2, 1)
    e = np.outer(o.sum(1), o.sum(0)) / max(o.sum(), 1)
    den = (w * e).sum()
    return 1.0 - (w * o).sum() / den if den > 0 else 0.0


def auc_binary(yb, s):
    from sklearn.metrics import roc_auc_score
    return roc_auc_score(yb, s) if 0 < yb.sum() < len(yb) else 0.5


def average_precision_at_k(y, proba, k):
    top = np.argsort(-proba, axis=1, kind="stable")[:, :k]
    hit = top == y[:, None]
    ranks = np.arange(1, k + 1)
    return float(np.mean((hit / ranks).sum(axis=1)))


class Scorer:
    """The competition metric of one target, on rows of train."""

    def __init__(self, metric, target, decision, weights=None, k=3):
        self.metric, self.target, self.decision = metric, target, decision
        self.weights, self.k = weights, k

    def labels(self, proba):
        return self.decision.labels(self.target, proba)

    def __call__(self, rows, pred):
        m, t = self.metric, self.target
        if t.n_classes:
            y = t.y[rows]
            proba = normalise(pred)
            if m in ("auc", "mean_columnwise_auc"):
                if t.n_classes == 2 or t.spec.get("positive_label"):
                    return auc_binary((y == t.positive).astype(int), proba[:, t.positive])
                from sklearn.metrics import roc_auc_score
                present = np.unique(y)
                return roc_auc_score(y, proba[:, present] / proba[:, present].sum(1, keepdims=True),
                                     multi_class="ovr", labels=present) if len(present) > 1 else 0.5
            if m in ("logloss", "binary_logloss"):
                if t.single_column_of_many():
                    p1 = proba[:, t.positive]
                    yb = (y == t.positive).astype(float)
                    return float(-np.mean(yb * np.log(p1) + (1 - yb) * np.log(1 - np.clip(p1, 0, 1 - 1e-15))))
                return float(-np.mean(np.log(proba[np.arange(len(y)), y])))
            if m == "brier":
                onehot = np.eye(t.n_classes)[y]
                return float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))
            if m == "map_at_k":
                return average_precision_at_k(y, proba, self.k)
            labels = self.labels(proba)
            if m == "f1":
                return f1_binary((y == t.positive).astype(int), (labels == t.positive).astype(int))
            if m in ("macro_f1", "weighted_f1"):
                from sklearn.metrics import f1_score
                return f1_score(y, labels, average="macro" if m == "macro_f1" else "weighted")
            if m == "qwk":
                return quadratic_kappa(y, labels, t.n_classes)
            if m == "mcc":
                from sklearn.metrics import matthews_corrcoef
                return matthews_corrcoef(y, labels)
            return float(np.mean(labels == y))
        y = t.y_raw[rows]
        v = self.decision.adjust(np.asarray(pred, dtype=float))
        w = None if self.weights is None else self.weights[rows]
        return regression_score(m, y, v, w)


def regression_score(m, y, v, w=None):
    err = v - y
    if m in ("rmsle", "mcrmsle"):
        d = np.log1p(np.maximum(v, 0)) - np.log1p(np.maximum(y, 0))
        return float(np.sqrt(np.mean(d ** 2)))
    if m == "rmse_log":
        d = np.log(np.maximum(v, 1e-9)) - np.log(np.maximum(y, 1e-9))
        return float(np.sqrt(np.mean(d ** 2)))
    if m == "mae" or m == "mcmae":
        return float(np.mean(np.abs(err)))
    if m == "wmae":
        w = np.ones(len(y)) if w is None else w
        return float(np.sum(w * np.abs(err)) / np.sum(w))
    if m == "medae":
        return float(np.median(np.abs(err)))
    if m == "mse":
        return float(np.mean(err ** 2))
    if m == "r2":
        den = np.sum((y - y.mean()) ** 2)
        return float(1 - np.sum(err ** 2) / den) if den > 0 else 0.0
    if m == "pearson":
        if np.std(v) < 1e-12 or np.std(y) < 1e-12:
            return 0.0
        return float(np.corrcoef(y, v)[0, 1])
    if m == "spearman":
        from scipy.stats import spearmanr
        r = spearmanr(y, v).correlation
        return 0.0 if not np.isfinite(r) else float(r)
    if m == "smape":
        den = np.abs(y) + np.abs(v)
        return float(100 * np.mean(np.where(den == 0, 0, 2 * np.abs(err) / np.maximum(den, 1e-12))))
    if m == "mape":
        return float(100 * np.mean(np.abs(err) / np.maximum(np.abs(y), 1e-9)))
    return float(np.sqrt(np.mean(err ** 2)))  # rmse, mcrmse


class Scoring:
    """The competition metric over every target (column-wise metrics average)."""

    def __init__(self, metric, targets, decision, weights=None, k=3):
        self.metric = metric
        self.higher = higher_is_better(metric)
        self.parts = [Scorer(metric, t, decision, weights, k) for t in targets]

    def __call__(self, rows, preds):
        return float(np.mean([s(rows, p) for s, p in zip(self.parts, preds)]))

    def better(self, a, b, margin=0.0):
        """a is better than b by more than margin."""
        if b is None:
            return a is not None
        if a is None:
            return False
        return a > b + margin if self.higher else a < b - margin
