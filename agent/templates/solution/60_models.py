
# -------------------------------------------------------------------- models
# A model fits on rows of the design matrices and predicts class
# probabilities (n x K) or values on the target's own scale. Boosting stops
# early on an inner split and refits with the rounds it found; linear models
# pick their regularisation from a grid on the first fold.

def regression_loss(metric):
    return "absolute" if metric in ABSOLUTE_METRICS else "squared"


class Model:
    """Common parts: target encoding in and out of the transform."""

    def __init__(self, ctx, cand, target, weights):
        self.ctx, self.cand, self.target = ctx, cand, target
        self.params = dict(cand.get("params") or {})
        self.weights = weights
        self.classify = target.n_classes > 0
        self.transform = self.params.get("transform") or (None if self.classify else target.transform)

    def y_of(self, rows):
        if self.classify:
            return self.target.y[rows]
        raw = self.target.y_raw[rows]
        if self.transform == "log1p":
            return np.log1p(np.maximum(raw, 0))
        if self.transform == "log":
            return np.log(np.maximum(raw, 1e-9))
        return raw

    def w_of(self, rows):
        return None if self.weights is None else self.weights[rows]

    def values(self, v):
        return self.target.inverse(v, self.transform or "none")

    def full_proba(self, proba, seen):
        """Probabilities over every class when a fold missed some."""
        k = self.target.n_classes
        if proba.shape[1] == k and list(seen) == list(range(k)):
            return proba
        out = np.full((proba.shape[0], k), 1e-6)
        for j, c in enumerate(seen):
            out[:, int(c)] = proba[:, j]
        return out


def encode_targets(codes, y, fit_rows, apply_rows, prior, smoothing=20.0, inner_folds=5):
    """Smoothed mean of y per code: out-of-fold within `fit_rows` (so a row
    never sees its own target), from all of `fit_rows` for `apply_rows`.
    y is (n_fit,) or (n_fit, K); returns (fit values, apply values)."""
    def table(rows_codes, rows_y):
        valid = ~np.isnan(rows_codes)
        keys = rows_codes[valid].astype(np.int64)
        size = int(np.nanmax(codes)) + 2 if np.isfinite(np.nanmax(codes)) else 1
        yy = rows_y[valid]
        if yy.ndim == 1:
            sums = np.bincount(keys, weights=yy, minlength=size)
        else:
            sums = np.stack([np.bincount(keys, weights=yy[:, j], minlength=size) for j in range(yy.shape[1])], 1)
        counts = np.bincount(keys, minlength=size).astype(float)
        shape = (-1,) + (1,) * (yy.ndim - 1)
        return (sums + prior * smoothing) / (counts.reshape(shape) + smoothing)

    def lookup(tab, c):
        out = np.tile(prior, (len(c),) + (1,) * (np.ndim(prior))) if np.ndim(prior) else np.full(len(c), prior, float)
        ok = ~np.isnan(c)
        out[ok] = tab[c[ok].astype(np.int64)]
        return out

    fit_codes = codes[fit_rows]
    fit_values = np.zeros((len(fit_rows),) + y.shape[1:])
    fold = np.arange(len(fit_rows)) % inner_folds
    np.random.RandomState(SEED).shuffle(fold)
    for k in range(inner_folds):
        inside = fold == k
        fit_values[inside] = lookup(table(fit_codes[~inside], y[~inside]), fit_codes[inside])
    return fit_values, lookup(table(fit_codes, y), codes[apply_rows])


class TreeModel(Model):
    """HistGradientBoosting, XGBoost, extra trees or random forest on the
    dense matrix of a feature set."""

    def encoding_target(self, rows):
        """What target encoding averages: the class one-hot (up to 10
        classes, else the positive class), or the target on its model scale."""
        if not self.classify:
            return self.y_of(rows).astype(float)
        k = self.target.n_classes
        if k <= 2 or k > 10:
            return (self.target.y[rows] == self.target.positive).astype(float)
        return np.eye(k)[self.target.y[rows]]

    def design(self, rows):
        """Dense rows, with target-encoded columns appended when asked for
        (computed from the rows this model was fitted on only)."""
        x, mask, _ = self.ctx.matrices.dense(self.cand["groups"])
        if not self.params.get("target_encoding") or not self.ctx.features.encodable:
            return x[rows], mask
        extra = [self.encoded_fit if rows is self.fit_rows else self.encoded_for(rows)]
        return np.hstack([x[rows]] + extra).astype(np.float32), np.r_[mask, np.zeros(extra[0].shape[1], bool)]

    def prepare_encoding(self, rows):
        self.fit_rows = rows
        if not self.params.get("target_encoding") or not self.ctx.features.encodable:
            return
        y = self.encoding_target(rows)
        self.prior = y.mean(axis=0)
        self.tables = []
        fit_parts = []
        for name, codes in self.ctx.features.encodable.items():
            fit_values, _ = encode_targets(codes, y, rows, rows[:1], self.prior)
            fit_parts.append(fit_values.reshape(len(rows), -1))
            self.tables.append((codes, y, rows))
        self.encoded_fit = np.hstack(fit_parts)

    def encoded_for(self, rows):
        parts = []
        for codes, y, fit_rows in self.tables:
            _, values = encode_targets(codes, y, fit_rows, rows, self.prior, inner_folds=1)
            parts.append(values.reshape(len(rows), -1))
        return np.hstack(parts)

    def fit(self, rows, tune=False, rounds=None):
        self.prepare_encoding(rows)
        x_rows, mask = self.design(rows)
        y, w = self.y_of(rows), self.w_of(rows)
        kind = self.cand["model"]
        self.seen = None
        if kind == "xgboost" and self.classify:
            # XGBoost wants classes 0..K-1: a fold that misses a class is
            # fitted on the classes it has and mapped back on predict.
            self.seen = np.unique(y)
            y = np.searchsorted(self.seen, y)
        self.est = self.make(mask, rounds, len(rows))
        if kind == "hist_gradient_boosting" and regression_loss(self.ctx.metric) == "absolute":
            w = None  # weighted leaf medians sort every leaf: 10x slower, little gain
        if rounds is None and kind in ("xgboost", "hist_gradient_boosting"):
            # Early stopping on an inner split shaped like the validation
            # (latest time, unseen groups): a random split of time or group
            # data leaks and stops too late.
            inner = self.ctx.stop_mask(rows)
            if kind == "xgboost" or inner is not None:
                inner = inner if inner is not None else np.random.RandomState(SEED).rand(len(rows)) < 0.1
                self.fit_stopping(x_rows, y, w, inner, kind)
                return self
        self.est.fit(x_rows, y, sample_weight=w)
        self.rounds = int(getattr(self.est, "n_iter_", 0) or 0)
        return self

    def fit_stopping(self, x, y, w, inner, kind):
        keep = ~inner
        if kind == "xgboost":
            extra = {}
            if w is not None:
                extra = dict(sample_weight=w[keep], sample_weight_eval_set=[w[inner]])
            self.est.fit(x[keep], y[keep], eval_set=[(x[inner], y[inner])], verbose=False, **extra)
            self.rounds = int(getattr(self.est, "best_iteration", self.est.n_estimators) or 0) + 1
            return
        # HistGradientBoosting: grow in steps (warm start), keep the model of
        # the best step on the inner rows, stop after two steps without gain.
        import copy
        est = self.est
        limit = est.max_iter
        step = int(np.clip(limit // 20, 10, 50))
        est.set_params(early_stopping=False, warm_start=True)
        best, best_model, since = None, None, 0
        k = 0
        while k < limit and since < 2:
            k = min(k + step, limit)
            est.set_params(max_iter=k)
            est.fit(x[keep], y[keep], sample_weight=None if w is None else w[keep])
            loss = self.stop_loss(est, x[inner], y[inner])
            if best is None or loss < best - 1e-12:
                best, best_model, since = loss, copy.deepcopy(est), 0
            else:
                since += 1
        self.est = best_model
        self.est.set_params(warm_start=False)
        self.rounds = int(self.est.n_iter_)

    def stop_loss(self, est, x, y):
        if self.classify:
            p = np.clip(est.predict_proba(x), 1e-15, 1)
            index = np.searchsorted(est.classes_, y)
            ok = (index < len(est.classes_)) & (est.classes_[np.minimum(index, len(est.classes_) - 1)] == y)
            return float(-np.mean(np.log(p[np.arange(len(y)), np.minimum(index, p.shape[1] - 1)][ok]))) \
                if ok.any() else 0.0
        err = est.predict(x) - y
        if regression_loss(self.ctx.metric) == "absolute":
            return float(np.mean(np.abs(err)))
        return float(np.mean(err ** 2))

    def make(self, mask, rounds, n):
        kind, p = self.cand["model"], self.params
        metric = self.ctx.metric
        loss = regression_loss(metric)
        if kind == "hist_gradient_boosting":
            from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
            args = dict(learning_rate=p.get("learning_rate", 0.06), max_leaf_nodes=p.get("max_leaf_nodes", 31),
                        min_samples_leaf=p.get("min_samples_leaf", 20 if n > 2000 else 8),
                        l2_regularization=p.get("l2", 1.0), max_bins=255,
                        categorical_features=mask if mask.any() else None, random_state=SEED)
            if rounds is None:
                args.update(max_iter=p.get("max_iter", 1000), early_stopping=True,
                            validation_fraction=0.12 if n > 1000 else 0.2, n_iter_no_change=30)
            else:
                args.update(max_iter=max(rounds, 10), early_stopping=False)
            if self.classify:
                return HistGradientBoostingClassifier(**args)
            if loss == "absolute":
                args["loss"] = "absolute_error"
            return HistGradientBoostingRegressor(**args)
        if kind == "xgboost":
            import xgboost as xgb
            args = dict(n_estimators=rounds or p.get("max_rounds", 2000), learning_rate=p.get("learning_rate", 0.05),
                        max_depth=p.get("max_depth", 6), subsample=0.8, colsample_bytree=0.7,
                        min_child_weight=p.get("min_child_weight", 1.0), reg_lambda=1.0,
                        tree_method="hist", n_jobs=1, random_state=SEED, verbosity=0)
            if rounds is None:
                args["early_stopping_rounds"] = 50
            if self.classify:
                k = len(self.seen) if self.seen is not None else self.target.n_classes
                if k > 2:
                    args.update(objective="multi:softprob", num_class=k)
                return xgb.XGBClassifier(**args)
            if loss == "absolute":
                args["objective"] = "reg:absoluteerror"
            return xgb.XGBRegressor(**args)
        from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor,
                                      RandomForestClassifier, RandomForestRegressor)
        trees = p.get("n_estimators", 300)
        leaf = p.get("min_samples_leaf", 1 if self.classify else 2)
        if kind == "extra_trees":
            cls = ExtraTreesClassifier if self.classify else ExtraTreesRegressor
        else:
            cls = RandomForestClassifier if self.classify else RandomForestRegressor
        extra = {} if self.classify else {"max_features": 0.5}
        if loss == "absolute" and not self.classify:
            extra = {"max_features": 0.5}
        return cls(n_estimators=trees, min_samples_leaf=leaf, n_jobs=1, random_state=SEED, **extra)

    def predict(self, rows):
        xr, _ = self.design(rows)
        if self.needs_dense_nan_fill():
            xr = np.nan_to_num(xr, nan=-999.0)
        if self.classify:
            seen = self.seen if getattr(self, "seen", None) is not None else self.est.classes_
            return self.full_proba(self.est.predict_proba(xr), seen)
        return self.values(self.est.predict(xr))

    def needs_dense_nan_fill(self):
        return self.cand["model"] in ("extra_trees", "random_forest")


class FilledTreeModel(TreeModel):
    """Extra trees / random forests cannot take NaN: fill with a sentinel."""

    def fit(self, rows, tune=False, rounds=None):
        self.prepare_encoding(rows)
        x_rows, mask = self.design(rows)
        self.est = self.make(mask, None, len(rows))
        self.est.fit(np.nan_to_num(x_rows, nan=-999.0), self.y_of(rows), sample_weight=self.w_of(rows))
        self.rounds = 0
        return self


class LinearModel(Model):
    """Logistic regression or ridge on the sparse design (TF-IDF included
    when the candidate is a text model), regularisation from a grid."""

    GRID = (0.01, 0.03, 0.1, 0.2, 0.3, 1.0, 3.0, 10.0)
    TEXT_GRID = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)  # TF-IDF designs want weak regularisation

    def design(self):
        return self.ctx.matrices.linear(self.cand["groups"], self.cand.get("text", False))

    def make(self, c):
        p = self.params
        if self.classify:
            from sklearn.linear_model import LogisticRegression
            penalty = p.get("penalty", "l2")
            # liblinear is fastest on sparse designs; one-vs-rest beyond two
            # classes, unless probabilities are scored (multinomial is better
            # calibrated for log loss).
            multi = self.target.n_classes > 2
            if multi and self.ctx.metric in ("logloss", "auc", "brier"):
                solver, extra = ("saga" if penalty == "l1" else "lbfgs"), {}
            else:
                solver, extra = "liblinear", ({"multi_class": "ovr"} if multi else {})
            iters = p.get("max_iter", 300 if solver in ("lbfgs", "saga") else 1000)
            return LogisticRegression(C=c, penalty=penalty, solver=solver, max_iter=iters,
                                      class_weight=p.get("class_weight"), tol=1e-4, **extra)
        from sklearn.linear_model import Ridge
        sparse = sp.issparse(self.design())
        return Ridge(alpha=1.0 / c, solver="lsqr" if sparse else "auto")

    def fit(self, rows, tune=False, rounds=None, choose=None):
        x = self.design()
        y, w = self.y_of(rows), self.w_of(rows)
        c = self.params.get("C") or rounds or 1.0
        self.est = self.make(c).fit(x[rows], y, sample_weight=w)
        self.rounds = c
        return self

    def predict(self, rows):
        x = self.design()
        if self.classify:
            return self.full_proba(self.est.predict_proba(x[rows]), self.est.classes_)
        return self.values(self.est.predict(x[rows]))


class LinearSvmModel(LinearModel):
    """A linear support vector machine (squared hinge, liblinear) on the
    same design: for label metrics on text it is often the most accurate and
    the fastest. Its margins become pseudo-probabilities by a softmax, good
    for the argmax, the F1 threshold and the blend, not for log loss."""

    GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
    TEXT_GRID = GRID

    def make(self, c):
        from sklearn.svm import LinearSVC
        return LinearSVC(C=c, class_weight=self.params.get("class_weight"), max_iter=2000)

    def fit(self, rows, tune=False, rounds=None):
        if not self.classify:
            raise ValueError("a linear SVM here classifies only")
        c = self.params.get("C") or rounds or 0.3
        self.est = self.make(c).fit(self.design()[rows], self.y_of(rows))
        self.rounds = c
        return self

    def predict(self, rows):
        margin = self.est.decision_function(self.design()[rows])
        if margin.ndim == 1:
            margin = np.c_[-margin, margin]
        z = 2.0 * (margin - margin.max(axis=1, keepdims=True))
        p = np.exp(z)
        return self.full_proba(p / p.sum(axis=1, keepdims=True), self.est.classes_)


class SvmModel(LinearModel):
    """An RBF support vector machine on the scaled dense design (small data)."""

    GRID = (0.3, 1.0, 3.0, 10.0)

    def make(self, c):
        from sklearn.svm import SVC, SVR
        if self.classify:
            return SVC(C=c, gamma="scale", probability=True, random_state=SEED)
        return SVR(C=c, gamma="scale")

    def fit(self, rows, tune=False, rounds=None):
        x = self.ctx.matrices.linear(self.cand["groups"], False)
        c = self.params.get("C") or rounds or 1.0
        self.est = self.make(c).fit(x[rows], self.y_of(rows))
        self.rounds = c
        return self

    def predict(self, rows):
        x = self.ctx.matrices.linear(self.cand["groups"], False)
        if self.classify:
            return self.full_proba(self.est.predict_proba(x[rows]), self.est.classes_)
        return self.values(self.est.predict(x[rows]))


class OrdinalModel(TreeModel):
    """Ordinal classes as one number: boosting regresses the class index and
    the prediction is spread over the two nearest classes, so its expected
    index is the regressed value (QWK cut points act on it)."""

    def fit(self, rows, tune=False, rounds=None):
        from sklearn.ensemble import HistGradientBoostingRegressor
        x, mask, _ = self.ctx.matrices.dense(self.cand["groups"])
        p = self.params
        args = dict(learning_rate=p.get("learning_rate", 0.06), max_leaf_nodes=31, min_samples_leaf=20,
                    l2_regularization=1.0, categorical_features=mask if mask.any() else None, random_state=SEED)
        if rounds is None:
            args.update(max_iter=p.get("max_iter", 1000), early_stopping=True, validation_fraction=0.12,
                        n_iter_no_change=30)
        else:
            args.update(max_iter=max(rounds, 10), early_stopping=False)
        self.est = HistGradientBoostingRegressor(**args).fit(x[rows], self.target.y[rows].astype(float))
        self.rounds = int(self.est.n_iter_)
        return self

    def predict(self, rows):
        x, _, _ = self.ctx.matrices.dense(self.cand["groups"])
        k = self.target.n_classes
        v = np.clip(self.est.predict(x[rows]), 0, k - 1)
        low = np.floor(v).astype(int)
        high = np.minimum(low + 1, k - 1)
        frac = v - low
        proba = np.full((len(v), k), 1e-6)
        proba[np.arange(len(v)), low] += 1 - frac
        proba[np.arange(len(v)), high] += frac
        return proba


MODEL_CLASSES = {"hist_gradient_boosting": TreeModel, "xgboost": TreeModel,
                 "extra_trees": FilledTreeModel, "random_forest": FilledTreeModel,
                 "logistic_regression": LinearModel, "ridge": LinearModel, "linear": LinearModel,
                 "svm": SvmModel, "linear_svm": LinearSvmModel, "ordinal_regression": OrdinalModel}


def make_model(ctx, cand, target):
    cls = MODEL_CLASSES.get(cand["model"])
    if cls is None:
        raise ValueError(f"unknown model '{cand['model']}'")
    if cls is OrdinalModel and not target.n_classes:
        raise ValueError("ordinal regression needs classes")
    return cls(ctx, cand, target, ctx.weights)


def grid_of(cand):
    """The regularisation values tuned on the first fold, or None."""
    cls = MODEL_CLASSES.get(cand["model"])
    if cls in (LinearModel, SvmModel, LinearSvmModel) and not (cand.get("params") or {}).get("C"):
        default = cls.TEXT_GRID if cand.get("text") and cls is not SvmModel else cls.GRID
        return list((cand.get("params") or {}).get("C_grid") or default)
    return None
