
# --------------------------------------------------------------------- race
# Candidates run in the plan's order, the baseline first. Each gets a cap
# (a share of what is left), enforced by an interval timer that interrupts
# the fit; its cost is estimated from rows x columns x classes before it
# starts (corrected by what earlier fits really took), and a candidate that
# cannot finish in time is skipped with the reason. Test predictions are the
# average of the fold models, so a stopped candidate keeps its completed folds
# and nothing needs refitting afterwards.




class Overtime(BaseException):
    pass


def _overtime(signum, frame):
    raise Overtime()


# A wall-clock guard on top of the CPU-time deadline: however loaded the
# machine, a candidate never takes more than this many times its share.
WALL_GUARD = 3.0


class Deadline:
    """Raises Overtime in the running code after `seconds` of CPU time (or
    WALL_GUARD times as many seconds of wall time)."""

    def __init__(self, seconds):
        self.seconds = max(float(seconds), 0.05)

    def __enter__(self):
        self.previous = (signal.signal(signal.SIGPROF, _overtime), signal.signal(signal.SIGALRM, _overtime))
        signal.setitimer(signal.ITIMER_PROF, self.seconds)
        signal.setitimer(signal.ITIMER_REAL, self.seconds * WALL_GUARD)
        return self

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, self.previous[0])
        signal.signal(signal.SIGALRM, self.previous[1])
        return False


# Seconds per unit of work on one core, by model (measured on a 2-core VM).
COST_PER_UNIT = {"hist_gradient_boosting": 1.5e-8, "xgboost": 2.5e-8, "ordinal_regression": 1.5e-8,
                 "extra_trees": 3e-8, "random_forest": 5e-8, "linear": 2e-9, "logistic_regression": 2e-9,
                 "linear_svm": 1e-9,
                 "ridge": 1e-9, "svm": 3e-8}


def work_units(ctx, cand, rows):
    """Rough work of one fit on `rows` rows: rows x columns x rounds x classes."""
    t = ctx.targets[0]
    k = t.n_classes if t.n_classes > 2 else 1
    kind = cand["model"]
    if kind in BOOSTING:
        _, _, names = ctx.matrices.dense(cand["groups"])
        p = cand.get("params") or {}
        rounds = min(int(p.get("max_iter", 1000)), int(p.get("max_rounds", 1000)), 300)
        width = len(names)
        if kind == "hist_gradient_boosting" and not t.n_classes and regression_loss(ctx.metric) == "absolute":
            width += 30  # leaf medians sort the rows every round
        return rows * width * rounds * (1 if kind == "ordinal_regression" else k) + 2e7
    if kind in ("extra_trees", "random_forest"):
        _, _, names = ctx.matrices.dense(cand["groups"])
        feats = len(names) * 0.5 if not t.n_classes else math.sqrt(len(names))
        return 300 * rows * max(math.log2(max(rows, 2)), 1) * max(feats, 1) + 2e7
    if kind == "svm":
        return rows ** 2 * 40 * (5 if t.n_classes else 1) + 1e7
    x = ctx.matrices.linear(cand["groups"], cand.get("text", False),
                            plain_words(ctx, cand))
    nnz = x.nnz * rows / max(x.shape[0], 1)
    return nnz * 200 * k + 1e7


class Entry:
    """One candidate's run: fold scores, out-of-fold and test predictions."""

    def __init__(self, cand, n_train, n_test, targets):
        self.cand = cand
        self.name = cand["name"]
        self.status = "pending"
        self.fold_scores = []
        self.seconds = 0.0
        self.estimated = None
        self.cv_score = None
        self.cv_logloss = None
        self.rounds = []
        self.decision = None
        self.oof = [np.zeros((n_train, t.n_classes)) if t.n_classes else np.zeros(n_train)
                    for t in targets]
        self.count = np.zeros(n_train)
        self.test = [np.zeros((n_test, t.n_classes)) if t.n_classes else np.zeros(n_test) for t in targets]
        self.valid = np.zeros(n_train, dtype=bool)
        self.fits = 0

    def finish(self):
        """Averages repeated out-of-fold and fold-model test predictions."""
        n = np.maximum(self.count, 1)
        for j in range(len(self.oof)):
            o = self.oof[j] / (n[:, None] if self.oof[j].ndim == 2 else n)
            o[self.count == 0] = np.nan
            self.oof[j] = o
            if self.folds_done():
                self.test[j] = self.test[j] / self.folds_done()
        self.valid = self.count > 0

    def folds_done(self):
        return len(self.fold_scores)

    def complete(self, n_folds):
        return self.folds_done() == n_folds

    def describe(self):
        d = {"name": self.name, "model": self.cand["model"], "features": "+".join(self.cand["groups"]),
             "status": self.status, "cv_score": None if self.cv_score is None else round(self.cv_score, 6),
             "fold_scores": [round(s, 6) for s in self.fold_scores], "seconds": round(self.seconds, 2),
             "estimated_seconds": None if self.estimated is None else round(self.estimated, 1)}
        if self.cv_logloss is not None:
            d["cv_logloss"] = round(self.cv_logloss, 6)
        if self.rounds:
            d["tuned"] = self.rounds
        if self.cand.get("why"):
            d["why"] = self.cand["why"]
        return d


def fold_score(ctx, rows, preds, part=None):
    """One fold's score with a decision tuned on that fold (the shared
    decision belongs to whatever was scored last)."""
    decision = Decision(ctx.metric)
    if tunable(ctx):
        decision.tune(ctx.targets[0], ctx.targets[0].y[rows], preds[0])
    ctx.set_decision(decision)
    if part is not None:
        return ctx.scoring.parts[part](rows, preds[0])
    return ctx.scoring(rows, preds)


def best_value(scores, better):
    best = None
    for value, s in scores.items():
        if best is None or better(s, scores[best]):
            best = value
    return best


def grid_walk(grid, scores, better, steps=3):
    """The grid's values in order, then up to `steps` more beyond whichever
    edge scored best (x3 or /3 each): the optimum of a small or noisy
    dataset often lies outside the default range. `scores` is filled by the
    caller as values are tried."""
    values = sorted(grid)
    for value in values:
        yield value
    for _ in range(steps):
        best = best_value(scores, better)
        if best is None:
            return
        known = sorted(scores)
        if best == known[-1]:
            yield best * 3.0
        elif best == known[0]:
            yield best / 3.0
        else:
            return


def fit_fold(ctx, cand, entry, fit_rows, valid_rows, test_rows, first):
    """Fits one fold for every target: (valid predictions, test predictions,
    the tuned value). Nothing is committed to `entry` here, so an interrupted
    fold leaves no trace."""
    tuned = grid_of(cand)
    grid = tuned if first else None
    chosen = entry.rounds[0] if (entry.rounds and tuned) else None
    valid_preds, test_preds, value0 = [], [], None
    for j, t in enumerate(ctx.targets):
        if grid:
            # Tune on at most 8000 rows of the fold, then fit the fold with
            # the chosen value: the grid costs a fraction of a fit per value.
            tune_rows = fit_rows
            if len(fit_rows) > 8000:
                tune_rows = np.sort(np.random.RandomState(SEED).choice(fit_rows, 8000, replace=False))
            scores = {}
            for value in grid_walk(grid, scores, ctx.scoring.better):
                model = make_model(ctx, cand, t)
                model.fit(tune_rows, rounds=value)
                entry.fits += len(tune_rows) / len(fit_rows)
                scores[value] = fold_score(ctx, valid_rows, [model.predict(valid_rows)], part=j)
            value = best_value(scores, ctx.scoring.better)
        else:
            value = chosen
        model = make_model(ctx, cand, t)
        model.fit(fit_rows, rounds=value)
        entry.fits += 1
        valid_preds.append(model.predict(valid_rows))
        test_preds.append(model.predict(test_rows))
        if j == 0:
            value0 = value if tuned else model.rounds
    return valid_preds, test_preds, value0


def run_candidate(ctx, cand, cap, progress):
    """Runs `cand` on every fold within `cap` seconds."""
    entry = Entry(cand, ctx.n_train, ctx.n_test, ctx.targets)
    n_folds = len(ctx.folds)
    test_rows = ctx.n_train + np.arange(ctx.n_test)
    t0 = cpu_now()
    try:
        for k, (fit_rows, valid_rows) in enumerate(ctx.folds):
            left = cap - (cpu_now() - t0)
            if k > 0:
                # Per fold from the fits so far: the first fold also ran the
                # regularisation grid, which the later folds do not repeat.
                per_fold = (cpu_now() - t0) / max(entry.fits, 1e-9) * len(ctx.targets)
                if cand["model"] in BOOSTING and per_fold * (n_folds - k) > left and entry.rounds[-1]:
                    # The first fold measured the real cost: fewer rounds
                    # (up to 3x) let the remaining folds fit.
                    scale = max(left / (per_fold * (n_folds - k)), 0.5)
                    rounds = max(int(entry.rounds[-1] * scale * 0.9), 40)
                    cand = dict(cand, params=dict(cand.get("params") or {}, max_iter=rounds, max_rounds=rounds))
                    entry.cand = cand
                    per_fold *= scale
                if per_fold > left:
                    raise Overtime()
            with Deadline(left):
                valid_preds, test_preds, value = fit_fold(ctx, cand, entry, fit_rows, valid_rows,
                                                          test_rows, first=(k == 0))
            for j in range(len(ctx.targets)):
                entry.oof[j][valid_rows] += valid_preds[j]
                entry.test[j] += test_preds[j]
            entry.count[valid_rows] += 1
            entry.rounds.append(value)
            s = fold_score(ctx, valid_rows, valid_preds)
            entry.fold_scores.append(s)
            repeats = max(getattr(ctx, "repeats", 1), 1)
            per_repeat = max(n_folds // repeats, 1)
            where = f"fold {k % per_repeat + 1}/{per_repeat}"
            if repeats > 1:
                where += f" of repeat {k // per_repeat + 1}/{repeats}"
            progress(f"{entry.name} {where} {ctx.metric}={s:.4f}")
        entry.status = "done"
    except Overtime:
        entry.status = f"stopped: over its {cap:.0f}s share after {entry.folds_done()}/{n_folds} folds"
    except (ValueError, MemoryError, ImportError, np.linalg.LinAlgError) as e:
        entry.status = f"failed: {str(e).splitlines()[0][:200] if str(e) else type(e).__name__}"
    entry.seconds = cpu_now() - t0
    entry.finish()
    return entry


def run_tuned(ctx, cand, cap, progress):
    """A candidate with a regularisation grid: every value in full
    cross-validation when that is cheap (small data), else the grid on the
    first fold only (run_candidate)."""
    grid = grid_of(cand)
    if not grid or not cand.get("full_grid"):
        return run_candidate(ctx, cand, cap, progress)
    t0 = cpu_now()
    variants, scores = [], {}
    for value in grid_walk(grid, scores, ctx.scoring.better):
        variant = dict(cand, params=dict(cand.get("params") or {}, C=value))
        e = run_candidate(ctx, variant, cap - (cpu_now() - t0), progress)
        if not e.complete(len(ctx.folds)):
            break
        score_entry(ctx, e)
        scores[value] = e.cv_score
        variants.append(e)
    variants.sort(key=lambda e: e.cand["params"]["C"])
    if not variants:
        return e
    # One-standard-error rule: the most regularised value whose CV score is
    # within one standard error of the best (small data overfits the grid).
    top = variants[0]
    for e in variants:
        if ctx.scoring.better(e.cv_score, top.cv_score):
            top = e
    # Not for log loss (smooth in C, it punishes over-regularised, timid
    # probabilities) nor for TF-IDF designs (they want weak regularisation;
    # the rule cost 1-4 points of accuracy there): the best value stands.
    plain_best = ctx.metric in ("logloss", "binary_logloss") or cand.get("text")
    se = 0.0 if plain_best else fold_se(top, getattr(ctx, "repeats", 1))
    best = next(e for e in variants if not ctx.scoring.better(top.cv_score, e.cv_score, se))
    best.cand = cand
    best.rounds = [best.rounds[0]]
    best.seconds = cpu_now() - t0
    best.fits = sum(e.fits for e in variants)
    return best


def n_fits(ctx, cand):
    """Fits of a candidate's run, in units of one fold's fit."""
    grid = grid_of(cand)
    if grid and cand.get("full_grid"):
        return len(ctx.folds) * len(grid)
    rows = np.mean([len(a) for a, _ in ctx.folds])
    return len(ctx.folds) + (len(grid) * min(1.0, 8000 / max(rows, 1)) if grid else 0)


BOOSTING = ("hist_gradient_boosting", "xgboost", "ordinal_regression")


def cap_rounds(ctx, cand, cap, speed):
    """Boosting rounds (and a matching learning rate) such that every fit of
    the candidate fits in its share of the budget."""
    if cand["model"] not in BOOSTING:
        return cand
    rows = int(np.mean([len(a) for a, _ in ctx.folds]))
    one = dict(cand, params=dict(cand.get("params") or {}, max_iter=1, max_rounds=1))
    per_round = (work_units(ctx, one, rows) - 2e7) * COST_PER_UNIT[cand["model"]] * speed
    allowed = 0.8 * cap / (n_fits(ctx, cand) * len(ctx.targets))
    rounds = int(np.clip(allowed / max(per_round, 1e-9), 40, 1000))
    params = dict(cand.get("params") or {})
    params.setdefault("max_iter", rounds)
    params.setdefault("max_rounds", rounds)
    if rounds < 300:
        params.setdefault("learning_rate", 0.1 if rounds >= 150 else 0.15)
    return dict(cand, params=params)


def family(cand):
    kind = cand["model"]
    if kind in ("hist_gradient_boosting", "xgboost", "ordinal_regression", "extra_trees", "random_forest"):
        return "trees"
    return "svm" if kind == "svm" else "linear"


def estimate_seconds(ctx, cand, speed):
    rows = int(np.mean([len(a) for a, _ in ctx.folds]))
    per_fit = work_units(ctx, cand, rows) * COST_PER_UNIT.get(cand["model"], 1e-8)
    return per_fit * n_fits(ctx, cand) * speed * len(ctx.targets)


def race(ctx, candidates):
    """Runs the candidates under the budget; returns their entries."""
    entries = []
    ratios = {}  # model family -> measured / estimated seconds per fit
    n_folds = len(ctx.folds)
    total_steps = max(len(candidates) * n_folds, 1)

    def progress(message):
        done = sum(e.folds_done() for e in entries)
        share = max(min(elapsed() / max(ctx.budget, 1), 1.0), done / total_steps)
        emit(0.1 + 0.8 * share, message)

    for i, cand in enumerate(candidates):
        cand, why = ctx.prepare(cand, entries)
        if why:
            entry = Entry(cand, ctx.n_train, ctx.n_test, ctx.targets)
            entry.status = "skipped: " + why
            entries.append(entry)
            continue
        mine = ratios.get(cand["model"]) or ratios.get(family(cand))
        every = [r for rs in ratios.values() for r in rs]
        speed = float(np.median(mine)) if mine else float(np.clip(np.median(every), 0.5, 2.0)) if every else 1.0
        left = ctx.budget - elapsed() - ctx.reserve
        if grid_of(cand):
            cand = dict(cand, full_grid=True)
            if estimate_seconds(ctx, cand, speed) > 0.1 * ctx.budget:
                cand["full_grid"] = False
        baseline = i == 0
        cap = max(left, 5.0) * 0.6 if baseline else min(left, cand.get("share", 0.35) * ctx.budget)
        cand = cap_rounds(ctx, cand, cap, speed)
        est = estimate_seconds(ctx, cand, speed)
        entry = None
        if not baseline and left < 2:
            reason = "skipped: time budget spent"
        elif not baseline and est > 1.5 * cap:
            reason = f"skipped: estimated {est:.0f}s, more than its {cap:.0f}s share"
        else:
            reason = None
            entries.append(Entry(cand, ctx.n_train, ctx.n_test, ctx.targets))  # placeholder for progress
            entry = run_tuned(ctx, cand, cap, progress)
            entries[-1] = entry
        if entry is None:
            entry = Entry(cand, ctx.n_train, ctx.n_test, ctx.targets)
            entry.status = reason
            entries.append(entry)
            log(f"candidate {entry.name}: {reason}")
        entry.estimated = est
        if entry.fits and est > 0:
            per_fit_estimate = est / speed / n_fits(ctx, cand) / len(ctx.targets)
            ratio = entry.seconds / entry.fits / max(per_fit_estimate, 1e-3)
            ratios.setdefault(family(cand), []).append(ratio)
            ratios.setdefault(cand["model"], []).append(ratio)
        if entry.folds_done():
            score_entry(ctx, entry)
            log(f"candidate {entry.name}: cv {ctx.metric}={entry.cv_score:.5f} "
                f"({entry.folds_done()}/{n_folds} folds, {entry.seconds:.1f}s, estimated {est:.1f}s) {entry.status}")
        elif reason is None:
            log(f"candidate {entry.name}: no fold completed ({entry.seconds:.1f}s, estimated {est:.1f}s) "
                f"{entry.status}")
    return entries
