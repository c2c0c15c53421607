

def improvement(ctx, entry):
    """How far a candidate got from the constant, in the metric's direction."""
    if entry.cv_score is None or ctx.trivial is None:
        return None
    gain = entry.cv_score - ctx.trivial.cv_score
    return gain if ctx.scoring.higher else -gain


def prune(cand, entries, ctx):
    """A variant of a text model that came nowhere near the best candidate
    is not worth its time (text is not where the signal is); the plain
    variant is pointless where the text model's design is words only."""
    if cand.get("text") and (cand.get("params") or {}).get("plain_text"):
        beyond = ctx.matrices.beyond_words.get((tuple(sorted(cand["groups"])), cand["text"]))
        if beyond is False:
            return "the text model's design holds word n-grams only already"
        # A variant for text-led competitions only: where another kind of
        # model leads, its time goes to that kind (seen: 36 s of 120 on a
        # table with one name column).
        texts = [g for g in (improvement(ctx, e) for e in entries if e.cand.get("text")) if g is not None]
        others = [g for g in (improvement(ctx, e) for e in entries if not e.cand.get("text")) if g is not None]
        if others and (not texts or max(others) > max(texts)):
            return "a model without text leads; the text model's plain variant would not"
    if cand.get("text") != "all":
        return None
    sibling = next((e for e in entries if e.cand.get("text") == "text" and e.cv_score is not None), None)
    gains = [g for g in (improvement(ctx, e) for e in entries) if g is not None]
    if sibling is None or not gains:
        return None
    mine, best = improvement(ctx, sibling), max(gains)
    if best > 0 and mine < 0.5 * best:
        return f"the text model {sibling.name} got {mine / best:.0%} of the best improvement over the constant"
    return None


def prepare_candidate(ctx, infos):
    def prepare(cand, entries):
        why = prune(cand, entries, ctx)
        if why:
            return cand, why
        if cand.get("feature_set") == "best":
            cand = resolve_best(cand, entries, ctx)
            why = applicable(cand, ctx, infos)
            return cand, why
        return cand, None
    return prepare


def cv_row_cap(ctx, first, n_folds):
    """(rows, repeats) to cross-validate: at most as many rows as keep the
    baseline's estimated cost within ~30% of the budget, and on small data
    repeated folds when the baseline is cheap enough to run them
    (deterministic: from the data's shape only)."""
    cap = int(PLAN.get("cv", {}).get("max_rows", 200000))
    rows = min(ctx.n_train, cap)
    per_fit = work_units(ctx, first, int(rows * (n_folds - 1) / n_folds)) * COST_PER_UNIT.get(first["model"], 1e-8)
    grid = grid_of(first)
    total = per_fit * (n_folds + (len(grid) - 1 if grid else 0)) * len(ctx.targets)
    target = 0.3 * ctx.budget
    if total > target:
        rows = max(int(rows * target / total), min(5000, ctx.n_train))
    repeats = 1
    for r in (3, 2):
        if ctx.n_train <= (1500 if r == 3 else 4000) and total * r <= 0.12 * ctx.budget:
            repeats = r
            break
    return rows, repeats


def solve(args):
    metric = PROFILE["metric"]["name"]
    classification = "classification" in PROFILE["task"]
    budget = float(PLAN.get("time_budget_seconds", 120))
    emit(0.01, "reading data")
    layout = Layout(args.competition)
    for note in layout.notes:
        log("layout: " + note)
    specs = PROFILE["targets"]
    transform = PLAN.get("target_transform", "none")
    targets = [Target(s, layout.train, classification, metric, transform) for s in specs]
    if classification and PROFILE["submission"].get("per_class_columns"):
        targets = targets[:1]  # one multi-class model serves every class column
    rows = np.flatnonzero(np.logical_and.reduce([t.mask for t in targets]))
    if len(rows) < len(layout.train):
        layout.train = layout.train.iloc[rows].reset_index(drop=True)
        targets = [t.subset(rows) for t in targets]
    emit(0.04, f"train {len(layout.train)} rows, test {len(layout.test)} rows ({layout.match})")
    infos = feature_columns(layout, targets)
    features = build_features(layout.train, layout.test, infos)
    both = pd.concat([layout.train[[i.name for i in infos]], layout.test[[i.name for i in infos]]],
                     ignore_index=True)
    join_notes = join_auxiliary(args.competition, both, features, {t.column for t in targets})
    for note in join_notes:
        log("join: " + note)
    kinds = {}
    for i in infos:
        kinds.setdefault(i.kind, []).append(i.name)
    log("columns: " + "; ".join(f"{k}={len(v)}" for k, v in sorted(kinds.items())))
    ctx = Context(layout, targets, features, metric, budget)
    ctx.weights = metric_weights(layout.train)
    decision = Decision(metric)
    ctx.scoring = Scoring(metric, targets, decision, ctx.weights, int(PROFILE["metric"].get("k") or 3))
    candidates, skipped = candidate_list(ctx, infos)
    if not candidates:
        raise ValueError("no candidate applies to this competition")
    n_folds = int(PLAN.get("cv", {}).get("folds", 5))
    ctx.folds = [(np.arange(ctx.n_train), np.arange(ctx.n_train))]  # for the row-cap estimate only
    max_rows, repeats = cv_row_cap(ctx, candidates[0], n_folds)
    ctx.repeats = repeats
    ctx.folds, ctx.cv_rows, scheme, ctx.stop_mask = make_folds(layout.train, layout.test, infos, targets,
                                                               n_folds, max_rows, classification, repeats)
    ctx.fold_of = np.full(ctx.n_train, -1)
    for k, (_, valid_rows) in enumerate(ctx.folds):
        if (ctx.fold_of[valid_rows] < 0).all():
            ctx.fold_of[valid_rows] = k  # the first repeat's folds
    log(f"validation: {scheme} on {len(ctx.cv_rows)} of {ctx.n_train} rows")
    emit(0.08, f"features ready: {len(features.columns)} columns, {len(features.texts)} texts; {scheme}")
    ctx.prepare = prepare_candidate(ctx, infos)
    trivial = constant_entry(ctx)
    ctx.trivial = trivial
    log(f"constant: cv {metric}={trivial.cv_score:.5f}")
    entries = race(ctx, candidates)
    picked = choose(ctx, entries)
    baseline = entries[0] if entries and entries[0].folds_done() else None
    if picked is None:
        # Nothing trained in time: the constant is still a valid, scored answer.
        picked = ([trivial], [1], trivial.cv_score, trivial.decision, "no candidate completed a fold")
    members, weights, score, decision, how = picked
    check = self_check(ctx, score, baseline, trivial, fold_se(members[0], repeats))
    if baseline is not None and baseline not in members and baseline.complete(len(ctx.folds)) \
            and ctx.scoring.better(baseline.cv_score, score):
        check["verdict"] = "fell_back_to_baseline"
        check["message"] = f"the chosen model scored below the baseline {baseline.name}; submitting the baseline"
        members, weights, score, decision = [baseline], [1], baseline.cv_score, baseline.decision
    if check["verdict"] == "worse_than_trivial":
        members, weights, score, decision = [trivial], [1], trivial.cv_score, trivial.decision
    if check["message"]:
        log("self-check: " + check["message"])
    chosen = members[0].name if len(members) == 1 else \
        "blend(" + "+".join(f"{e.name}" + (f"x{w}" if w > 1 else "") for e, w in zip(members, weights)) + ")"
    emit(0.93, f"predicting test with {chosen}")
    refits = refit_members(ctx, members)
    for note in refits:
        log("refit: " + note)
    preds = [blended(members, weights, j, "test") for j in range(len(targets))]
    if layout.missing_rows.any():
        prior = prior_predictions(targets, len(layout.test), metric)
        preds = [np.where(layout.missing_rows[:, None] if p.ndim == 2 else layout.missing_rows, q, p)
                 for p, q in zip(preds, prior)]
    ctx.set_decision(decision)
    submission = fill_submission(layout, targets, preds, decision, metric)
    write_csv(submission, os.path.join(args.job, "submission.csv"))
    metrics = {
        "metric": metric, "higher_is_better": ctx.scoring.higher, "chosen": chosen,
        "cv_score": round(score, 6), "how": how, "self_check": check,
        "candidates": [e.describe() for e in entries] + [dict(name=c["name"], model=c["model"], status=why)
                                                          for c, why in skipped],
        "constant": trivial.describe(),
        "blend": None if len(members) == 1 else {"members": [e.name for e in members], "weights": weights},
        "decision": decision.describe(), "validation": scheme, "folds": len(ctx.folds), "seed": SEED,
        "cv_rows": int(len(ctx.cv_rows)), "train_rows": int(ctx.n_train), "test_rows": int(ctx.n_test),
        "time_budget_seconds": budget, "cpu_seconds": round(elapsed(), 2), "elapsed_seconds": round(wall(), 2),
        "columns": [i.describe() for i in infos], "joins": join_notes, "layout": layout.notes + [layout.match],
        "feature_columns": len(features.columns), "refit": refits,
    }
    with open(os.path.join(args.job, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2, default=str)
    emit(1.0, f"chosen {chosen} cv {metric}={score:.5f} in {wall():.0f}s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--competition", required=True)
    parser.add_argument("--job", required=True)
    args = parser.parse_args()
    try:
        if PROFILE.get("fallback"):
            raise ValueError(PROFILE["fallback"])
        solve(args)
    except (Exception, Overtime) as e:
        traceback.print_exc(file=sys.stdout)
        reason = f"{type(e).__name__}: {e}".splitlines()[0][:300]
        write_fallback(args.competition, args.job, reason)


if __name__ == "__main__":
    main()
