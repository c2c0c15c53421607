
# ------------------------------------------------------------------ targets

def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def canonical_label(v):
    """'1.0' and '1' are the same class; everything else as written."""
    s = str(v).strip()
    try:
        f = float(s)
        if math.isfinite(f) and f == int(f):
            return str(int(f))
    except ValueError:
        pass
    return s


class Target:
    """One thing to predict: its train values encoded for the models."""

    def __init__(self, spec, train, classification, metric, transform):
        self.spec = spec
        self.column = spec["train_column"]
        raw = train[self.column]
        self.metric = metric
        if classification:
            classes = spec.get("classes") or sorted(raw.dropna().astype(str).unique())
            if metric == "map_at_k":
                raw = raw.astype(str).str.split().str[0]  # the first (best) label
            self.classes = [str(c) for c in classes]
            by_canonical = {canonical_label(c): i for i, c in enumerate(self.classes)}
            codes = raw.map(lambda v: by_canonical.get(canonical_label(v)))
            if all(is_number(c) for c in self.classes) and metric == "qwk":
                order = sorted(range(len(self.classes)), key=lambda i: float(self.classes[i]))
                self.classes = [self.classes[i] for i in order]
                remap = {old: new for new, old in enumerate(order)}
                codes = codes.map(lambda c: remap.get(c))
            self.mask = codes.notna().to_numpy()
            self.y = codes.fillna(-1).astype(int).to_numpy()
            self.n_classes = len(self.classes)
            self.positive = self.pick_positive()
        else:
            values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
            self.mask = np.isfinite(values)
            self.y_raw = values
            ok = values[self.mask]
            if transform == "log1p" and (ok <= -1).any():
                transform = "none"
            if transform == "log" and (ok <= 0).any():
                transform = "log1p" if (ok > -1).all() else "none"
            self.transform = transform
            self.n_classes = 0
            self.low, self.high = float(ok.min()), float(ok.max())
            self.y = self.forward(np.where(self.mask, values, np.nanmedian(values)))

    def subset(self, rows):
        """This target on `rows` of train only."""
        t = object.__new__(Target)
        t.__dict__.update(self.__dict__)
        t.y = self.y[rows]
        if not self.n_classes:
            t.y_raw = self.y_raw[rows]
        return t

    def single_column_of_many(self):
        """One probability column for a target of more than two classes."""
        return (self.n_classes > 2 and not PROFILE["submission"].get("per_class_columns")
                and PROFILE["submission"]["output"] == "probability")

    def pick_positive(self):
        label = self.spec.get("positive_label")
        for i, c in enumerate(self.classes):
            if label is not None and canonical_label(c) == canonical_label(label):
                return i
        for name in ("1", "yes", "true", "y", "t", "positive"):
            for i, c in enumerate(self.classes):
                if canonical_label(c).lower() == name:
                    return i
        counts = np.bincount(self.y[self.y >= 0], minlength=self.n_classes)
        return int(np.argmin(counts))

    def forward(self, v):
        if self.transform == "log1p":
            return np.log1p(v)
        if self.transform == "log":
            return np.log(v)
        return v

    def inverse(self, v, transform=None):
        transform = self.transform if transform is None else transform
        v = np.asarray(v, dtype=float)
        if transform == "log1p":
            v = np.expm1(np.clip(v, -50, 50))
        elif transform == "log":
            v = np.exp(np.clip(v, -50, 50))
        # Stay near the range seen in train: wild extrapolation never helps.
        span = self.high - self.low
        return np.clip(v, self.low - 0.5 * span, self.high + 0.5 * span)


class Decision:
    """How class probabilities become what the metric scores, tuned on the
    chosen model's out-of-fold predictions: a threshold on the positive class
    (binary F1), cut points on the expected class index (quadratic weighted
    kappa on ordinal classes), else the most probable class."""

    def __init__(self, metric):
        self.metric = metric
        self.threshold = None
        self.cuts = None
        self.snap = None  # (values, tolerance): regression values moved onto frequent targets

    def adjust(self, v):
        """Regression values, snapped to the nearest frequent target value
        when within the tuned tolerance (median-type metrics reward hitting
        a typical value exactly)."""
        if self.snap is None:
            return v
        values, tol = self.snap
        idx = np.clip(np.searchsorted(values, v), 1, len(values) - 1)
        left, right = values[idx - 1], values[idx]
        nearest = np.where(np.abs(v - left) <= np.abs(right - v), left, right)
        return np.where(np.abs(nearest - v) <= tol, nearest, v)

    def tune_values(self, target, rows, v, weights=None):
        """Chooses the snapping tolerance on out-of-fold values."""
        self.snap = None
        if self.metric not in ("mae", "medae", "wmae"):
            return
        y = target.y_raw[rows]
        vals, counts = np.unique(y, return_counts=True)
        frequent = vals[counts >= max(5, 0.005 * len(y))]
        if len(frequent) < 2 or len(frequent) > 200 or counts[counts >= max(5, 0.005 * len(y))].sum() < 0.5 * len(y):
            return
        gap = float(np.median(np.diff(frequent)))
        w = None if weights is None else weights[rows]
        best = (regression_score(self.metric, y, v, w), None)
        for f in (0.1, 0.25, 0.5, 1.0, 1e9):
            self.snap = (frequent, f * gap)
            s = regression_score(self.metric, y, self.adjust(v), w)
            if s < best[0] - 1e-12:
                best = (s, self.snap)
        self.snap = best[1]
    def labels(self, target, proba):
        if self.metric == "f1" and target.n_classes == 2:
            pos = target.positive
            thr = 0.5 if self.threshold is None else self.threshold
            return np.where(proba[:, pos] >= thr, pos, 1 - pos)
        if self.metric == "qwk" and target.n_classes > 2:
            expected = proba @ np.arange(target.n_classes)
            cuts = np.arange(target.n_classes - 1) + 0.5 if self.cuts is None else np.asarray(self.cuts)
            return np.searchsorted(cuts, expected, side="right")
        return proba.argmax(axis=1)

    def tune(self, target, y, proba):
        proba = normalise(proba)
        if self.metric == "f1" and target.n_classes == 2:
            pos = target.positive
            yb = (y == pos).astype(int)
            grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
            scores = [round(f1_binary(yb, (proba[:, pos] >= t).astype(int)), 9) for t in grid]
            best = max(zip(scores, -np.abs(grid - 0.5), grid))
            self.threshold = float(best[2])
        elif self.metric == "qwk" and target.n_classes > 2:
            self.cuts = tune_cuts(y, proba @ np.arange(target.n_classes), target.n_classes)

    def describe(self):
        if self.snap is not None:
            return {"snap_to": len(self.snap[0]), "tolerance": round(float(self.snap[1]), 6)}
        if self.threshold is not None:
            return {"threshold": self.threshold}
        if self.cuts is not None:
            return {"cuts": self.cuts}
        return None


def tune_cuts(y, expected, k):
    """Cut points on a continuous ordinal score that maximise QWK."""
    cuts = list(np.arange(k - 1) + 0.5)

    def qwk(c):
        return quadratic_kappa(y, np.searchsorted(np.asarray(c), expected, side="right"), k)
    best = qwk(cuts)
    for _ in range(3):  # coordinate search, each cut between its neighbours
        for j in range(k - 1):
            low = cuts[j - 1] if j > 0 else -0.5
            high = cuts[j + 1] if j + 1 < k - 1 else k - 0.5
            for c in np.linspace(low, high, 22)[1:-1]:
                trial = cuts[:j] + [float(c)] + cuts[j + 1:]
                s = qwk(trial)
                if s > best + 1e-9:
                    best, cuts = s, trial
    return [round(float(c), 4) for c in cuts]
