
# -------------------------------------------------------------------- refit
# Test predictions come from the fold models by default (their average: no
# extra fit, and a stopped candidate still has them). When time allows, the
# chosen members are refitted on every train row (boosting with the rounds
# its folds found, scaled up for the larger data; linear models with their
# tuned regularisation), which matters when folds left out a large share of
# small data or when CV ran on a subsample.

def refit_value(entry):
    cand = entry.cand
    if grid_of(cand) and entry.rounds:
        return entry.rounds[0]
    if cand["model"] in BOOSTING and entry.rounds:
        return max(int(np.mean(entry.rounds) * 1.15), 10)
    return None


def refit_seconds(ctx, entry):
    """Expected seconds of one refit: a fold's fit time scaled by rows."""
    if not entry.fits:
        return float("inf")
    per_fit = entry.seconds / entry.fits
    fold_rows = np.mean([len(a) for a, _ in ctx.folds])
    return per_fit * ctx.n_train / max(fold_rows, 1) * len(ctx.targets)


def refit_members(ctx, members):
    """Replaces each member's test predictions by a refit on all rows when
    the budget has room for it; returns what was done, for metrics.json."""
    mode = PLAN.get("refit", "auto")
    done = []
    if mode == "never":
        return done
    rows = np.arange(ctx.n_train)
    test_rows = ctx.n_train + np.arange(ctx.n_test)
    for e in members:
        if e.cand.get("model") == "constant":
            continue
        need = refit_seconds(ctx, e)
        left = ctx.budget - elapsed()
        if need * 1.5 > left:
            done.append(f"{e.name}: kept the fold models (refit needs ~{need:.0f}s, {left:.0f}s left)")
            continue
        try:
            with Deadline(max(left - 2, 1)):
                preds = []
                for t in ctx.targets:
                    model = make_model(ctx, e.cand, t)
                    model.fit(rows, rounds=refit_value(e))
                    preds.append(model.predict(test_rows))
            e.test = preds
            done.append(f"{e.name}: refitted on all {ctx.n_train} rows")
        except Overtime:
            done.append(f"{e.name}: refit stopped by the budget; kept the fold models")
    return done
