
# ---------------------------------------------------------------- selection
# The chosen model is the best CV score (label metrics: scores within 1.5
# rows count as tied and the lower out-of-fold log loss decides), possibly a
# greedy blend of out-of-fold predictions, then checked against the trivial
# constant and the baseline in the same folds: the agent notices when its
# choice is no better than a constant, and never ships something worse
# than its own baseline.

def tunable(ctx):
    t = ctx.targets[0]
    return len(ctx.targets) == 1 and t.n_classes and (
        (ctx.metric == "f1" and t.n_classes == 2) or (ctx.metric == "qwk" and t.n_classes > 2))


def blended(entries, weights, j, kind="oof"):
    total = sum(weights)
    return sum(w * getattr(e, kind)[j] for e, w in zip(entries, weights)) / total


# Ranking metrics compare rows across the whole set: pooled over folds they
# also score the folds' different offsets (time periods with other base
# rates), so their CV score is the mean over folds.
PER_FOLD_METRICS = ("auc", "mean_columnwise_auc", "pearson", "spearman")


def score_preds(ctx, rows, preds):
    """(score, smooth loss, decision) of predictions on train rows."""
    decision = Decision(ctx.metric)
    if tunable(ctx):
        decision.tune(ctx.targets[0], ctx.targets[0].y[rows], preds[0])
    elif len(ctx.targets) == 1 and not ctx.targets[0].n_classes:
        decision.tune_values(ctx.targets[0], rows, np.asarray(preds[0], dtype=float), ctx.weights)
    ctx.set_decision(decision)
    if ctx.metric in PER_FOLD_METRICS and getattr(ctx, "fold_of", None) is not None:
        ids = ctx.fold_of[rows]
        parts = [ctx.scoring(rows[ids == k], [p[ids == k] for p in preds])
                 for k in np.unique(ids) if (ids == k).sum() >= 2]
        s = float(np.mean(parts)) if parts else ctx.scoring(rows, preds)
    else:
        s = ctx.scoring(rows, preds)
    loss = None
    if ctx.targets[0].n_classes and ctx.metric in LABEL_METRICS + RANK_METRICS:
        loss = float(np.mean([-np.mean(np.log(normalise(p)[np.arange(len(rows)), t.y[rows]]))
                              for t, p in zip(ctx.targets, preds)]))
    return s, loss, decision


def score_entry(ctx, entry, rows=None):
    rows = np.flatnonzero(entry.valid) if rows is None else rows
    entry.cv_score, entry.cv_logloss, entry.decision = score_preds(ctx, rows, [o[rows] for o in entry.oof])


def constant_entry(ctx):
    """The best constant in the same folds: the class prior (for F1 the
    tuned threshold makes it 'all positive'), the mean, or the median."""
    e = Entry({"name": "constant", "model": "constant", "groups": []}, ctx.n_train, ctx.n_test, ctx.targets)
    for fit_rows, valid_rows in ctx.folds:
        for j, t in enumerate(ctx.targets):
            if t.n_classes:
                prior = np.bincount(t.y[fit_rows], minlength=t.n_classes) + 0.5
                v = prior / prior.sum()
            elif ctx.metric in ABSOLUTE_METRICS:
                v = float(np.median(t.y_raw[fit_rows]))
            elif ctx.metric in ("rmsle", "mcrmsle"):
                v = float(np.expm1(np.mean(np.log1p(np.maximum(t.y_raw[fit_rows], 0)))))
            else:
                v = float(np.mean(t.y_raw[fit_rows]))
            e.oof[j][valid_rows] += v
            e.test[j] += v
        e.count[valid_rows] += 1
        e.fold_scores.append(0.0)
    e.finish()
    e.status = "done"
    score_entry(ctx, e)
    return e


def tie_margin(ctx, n_rows):
    if ctx.targets[0].n_classes and ctx.metric in LABEL_METRICS:
        return 1.5 / max(n_rows, 1)
    return 0.0


def ranks_above(ctx, a, b, margin):
    """(score, loss) a ranks above b."""
    if b is None:
        return True
    if abs(a[0] - b[0]) > margin or a[1] is None or b[1] is None:
        return ctx.scoring.better(a[0], b[0], 1e-9)
    return a[1] < b[1] - 1e-9


def choose(ctx, entries):
    """(members, weights, cv score, decision, how) of the final model."""
    n_folds = len(ctx.folds)
    rows = ctx.cv_rows
    margin = tie_margin(ctx, len(rows))
    complete = [e for e in entries if e.complete(n_folds)]
    best = None
    for e in complete:
        if best is None or ranks_above(ctx, (e.cv_score, e.cv_logloss), (best.cv_score, best.cv_logloss), margin):
            best = e
    how = "best cross-validation score"
    for e in entries:
        if e.complete(n_folds) or not e.folds_done() or best is None:
            continue
        part = np.flatnonzero(e.valid)
        mine = score_preds(ctx, part, [o[part] for o in e.oof])
        theirs = score_preds(ctx, part, [o[part] for o in best.oof])
        if ranks_above(ctx, mine[:2], theirs[:2], tie_margin(ctx, len(part))):
            log(f"partial candidate {e.name} beats {best.name} on its {e.folds_done()} folds")
            best, how = e, f"better than {best.name} on the {e.folds_done()} folds it completed"
    if best is None:
        partial = [e for e in entries if e.folds_done()]
        if not partial:
            return None
        best = max(partial, key=lambda e: e.folds_done())
        how = "the only candidate with completed folds"
    members, weights = [best], [1]
    current = (best.cv_score, best.cv_logloss)
    # A blend must beat the best single candidate by more than the noise of
    # its CV score (one standard error): on small data the greedy search
    # otherwise fits the folds' noise (seen: +0.02 AUC in CV, -0.03 on test).
    blend_margin = max(margin, 1e-5 * abs(current[0]), fold_se(best, getattr(ctx, "repeats", 1)))
    if PLAN.get("blend", {}).get("enabled", True) and best.complete(n_folds) and len(complete) > 1:
        for _ in range(int(PLAN.get("blend", {}).get("max_members", 4)) - 1):
            trials = []
            for e in complete:
                ms, ws = list(members), list(weights)
                if e in ms:
                    ws[ms.index(e)] += 1
                else:
                    ms.append(e)
                    ws.append(1)
                preds = [blended(ms, ws, j)[rows] for j in range(len(ctx.targets))]
                s, loss, _ = score_preds(ctx, rows, preds)
                trials.append(((s, loss), ms, ws))
            top = None
            for t in trials:
                if top is None or ranks_above(ctx, t[0], top[0], margin):
                    top = t
            step_margin = blend_margin if len(members) == 1 else max(margin, 1e-5 * abs(current[0]))
            if top is None or not ranks_above(ctx, top[0], current, step_margin) or \
                    (len(members) == 1 and not ctx.scoring.better(top[0][0], current[0], blend_margin)):
                break
            current, members, weights = top
        if len(members) > 1:
            how = "greedy blend of out-of-fold predictions"
    rows_used = rows if best.complete(n_folds) else np.flatnonzero(best.valid)
    preds = [blended(members, weights, j)[rows_used] for j in range(len(ctx.targets))]
    s, loss, decision = score_preds(ctx, rows_used, preds)
    return members, weights, s, decision, how


def near(ctx, score, trivial, se=0.0):
    """Within ~5% of the trivial constant (of the range left above it), or
    within two standard errors of the fold scores: no real signal found."""
    if score is None or trivial is None:
        return False
    if ctx.scoring.higher:
        room = max(1.0 - trivial, 1e-9) if trivial <= 1 else max(abs(trivial), 1e-9)
    else:
        room = max(abs(trivial), 1e-9)
    return abs(score - trivial) <= max(0.05 * room, 2 * se)


def fold_se(entry, repeats=1):
    """Standard error of a candidate's CV score; repeated folds share their
    rows, so only one repeat's folds count as independent."""
    scores = entry.fold_scores if entry is not None else []
    n = max(len(scores) / max(repeats, 1), 1)
    return float(np.std(scores) / math.sqrt(n)) if len(scores) > 1 else 0.0


def self_check(ctx, chosen_score, baseline, trivial, se=0.0):
    """The verdict on the chosen model, as metrics.json reports it."""
    check = {"trivial_cv": None if trivial is None else round(trivial.cv_score, 6),
             "baseline": None if baseline is None else baseline.name,
             "baseline_cv": None if baseline is None or baseline.cv_score is None else round(baseline.cv_score, 6),
             "chosen_cv": round(chosen_score, 6), "verdict": "ok", "message": ""}
    if trivial is not None and near(ctx, chosen_score, trivial.cv_score, se):
        check["verdict"] = "near_trivial"
        check["message"] = (f"the chosen model's CV {ctx.metric} {chosen_score:.4f} is within 5% of a "
                            f"constant's {trivial.cv_score:.4f}: the features may carry little signal")
    elif trivial is not None and not ctx.scoring.better(chosen_score, trivial.cv_score):
        check["verdict"] = "worse_than_trivial"
        check["message"] = (f"the chosen model's CV {ctx.metric} {chosen_score:.4f} is no better than a "
                            f"constant's {trivial.cv_score:.4f}; the constant is submitted")
    return check
