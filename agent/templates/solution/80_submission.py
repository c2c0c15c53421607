
# --------------------------------------------------------------- submission
# The sample submission's rows and key columns exactly as written, with the
# predicted columns filled in: labels spelled as the competition spells them,
# top-k label lists, probabilities, or values.

def spelled(label):
    spelling = PROFILE["submission"].get("label_spelling") or {}
    by_canonical = {canonical_label(k): v for k, v in spelling.items()}
    return spelling.get(label, by_canonical.get(canonical_label(label), label))


def fill_submission(layout, targets, preds, decision, metric):
    """The submission frame; `preds` are per-target test predictions in the
    sample's row order."""
    out = layout.sample.copy()
    output = PROFILE["submission"]["output"]
    k = int(PROFILE["metric"].get("k") or 3)
    per_class = PROFILE["submission"].get("per_class_columns")
    for spec in PROFILE["targets"]:
        col = spec["submission_column"]
        if per_class:
            t, p = targets[0], normalise(preds[0])
            want = canonical_label(spec["class_value"])
            j = [canonical_label(c) for c in t.classes].index(want)
            out[col] = [f"{v:.6g}" for v in np.clip(p[:, j], 1e-6, 1.0)]
            continue
        j = [t.column for t in targets].index(spec["train_column"])
        t, p = targets[j], preds[j]
        if t.n_classes:
            p = normalise(p)
            if output == "label_list" or metric == "map_at_k":
                top = np.argsort(-p, axis=1, kind="stable")[:, :k]
                out[col] = [" ".join(spelled(t.classes[i]) for i in row) for row in top]
            elif output == "label":
                out[col] = [spelled(t.classes[i]) for i in decision.labels(t, p)]
            else:
                out[col] = [f"{v:.6g}" for v in np.clip(p[:, t.positive], 1e-6, 1 - 1e-6)]
        else:
            v = decision.adjust(np.asarray(p, dtype=float))
            v = np.where(np.isfinite(v), v, np.nanmedian(t.y_raw))
            if metric in ("rmsle", "mcrmsle"):
                v = np.maximum(v, 0.0)
            if metric == "rmse_log":
                v = np.maximum(v, 1e-6)
            if PROFILE["submission"].get("integer_values"):
                v = np.round(v)
            out[col] = [f"{x:.10g}" for x in v]
    return out


def write_csv(frame, path):
    frame.to_csv(path, index=False)


def prior_predictions(targets, n, metric):
    """The constant every row gets when nothing better can be trained."""
    preds = []
    for t in targets:
        if t.n_classes:
            prior = np.bincount(t.y[t.y >= 0], minlength=t.n_classes) + 0.5
            preds.append(np.tile(prior / prior.sum(), (n, 1)))
        elif metric in ABSOLUTE_METRICS:
            preds.append(np.full(n, float(np.nanmedian(t.y_raw))))
        else:
            preds.append(np.full(n, float(np.nanmean(t.y_raw))))
    return preds


def write_fallback(competition, job, reason):
    """The very last resort: the training prior in the sample's format, else
    the sample submission itself."""
    how = "training prior"
    try:
        layout = Layout(competition)
        metric = PROFILE["metric"]["name"]
        classification = "classification" in PROFILE["task"]
        targets = [Target(s, layout.train, classification, metric, "none") for s in PROFILE["targets"]]
        if PROFILE["submission"].get("per_class_columns"):
            targets = targets[:1]
        preds = prior_predictions(targets, len(layout.sample), metric)
        write_csv(fill_submission(layout, targets, preds, Decision(metric), metric),
                  os.path.join(job, "submission.csv"))
    except Exception as e:  # even the prior failed: the sample itself is a valid constant
        how = f"sample submission copied ({type(e).__name__}: {e})"
        spec = PROFILE["files"]["sample_submission"]
        with open(os.path.join(job, "submission.csv"), "wb") as f:
            f.write(open_bytes(competition, spec).getvalue())
    metrics = {"metric": PROFILE.get("metric", {}).get("name"), "chosen": "fallback: " + how,
               "cv_score": None, "fallback": reason, "candidates": [],
               "self_check": {"verdict": "fallback", "message": f"no model could be trained ({reason}); "
                                                                f"submitted the {how}"},
               "elapsed_seconds": round(elapsed(), 2)}
    with open(os.path.join(job, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    emit(1.0, f"fallback submission ({how}): {reason}")
