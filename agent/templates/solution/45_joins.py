
# ------------------------------------------------------- auxiliary tables
# Side tables (weather.csv, stores.csv, features.csv) that share key columns
# with train and test are joined: one-to-one tables directly, one-to-many
# ones aggregated (mean of numbers, row count) per key. Their columns form the
# "aux" group, a feature set CV may take or leave.

def join_key(s):
    """Comparable key values; dates in one spelling whatever the file wrote."""
    text = s.astype(str).str.strip()
    if text.head(2000).str.match(DATE_LIKE).mean() > 0.95:
        d = parse_dates(text)
        if d.notna().mean() > 0.95:
            return d.dt.strftime("%Y-%m-%d").where(d.notna(), text)
    return key_text(s)


def key_frame(df, cols):
    return pd.DataFrame({c: join_key(df[c]).values for c in cols})


def join_auxiliary(competition, both, features, exclude):
    """Adds the "aux" group to `features` from every auxiliary table."""
    notes = []
    for spec in PROFILE["files"].get("auxiliary", []):
        label = os.path.basename(spec.get("member") or spec["path"]).split(".")[0]
        try:
            aux = read_table(competition, spec)
        except Exception as e:  # an unreadable side table is skipped, not fatal
            notes.append(f"auxiliary {label}: unreadable ({e})")
            continue
        shared = []
        for c in aux.columns:
            main = find_column(both.columns, c)
            if main is not None and main not in exclude:
                shared.append((c, main))
        if not shared or len(shared) == len(aux.columns):
            continue
        best = None
        subsets = [shared] + [[s] for s in shared] if len(shared) > 1 else [shared]
        for subset in subsets:
            left = key_frame(both, [m for _, m in subset])
            right = key_frame(aux, [a for a, _ in subset])
            right.columns = left.columns
            keys = set(map(tuple, right.drop_duplicates().to_numpy()))
            rate = float(np.mean([tuple(r) in keys for r in left.head(20000).to_numpy()]))
            if best is None or rate > best[0] + 0.05:
                best = (rate, subset)
        rate, subset = best
        if rate < 0.05:
            notes.append(f"auxiliary {label}: keys {[a for a, _ in subset]} match {rate:.0%} of rows; skipped")
            continue
        akeys = [a for a, _ in subset]
        right = key_frame(aux, akeys)
        value_cols = [c for c in aux.columns if c not in akeys]
        numeric = {}
        for c in value_cols:
            v = pd.to_numeric(aux[c], errors="coerce")
            if v.notna().mean() >= 0.5:
                numeric[c] = v
            elif aux[c].nunique() <= 50:
                numeric[c] = category_codes(aux[c])[0]
        if not numeric:
            continue
        table = pd.concat([right, pd.DataFrame(numeric)], axis=1)
        grouped = table.groupby(list(right.columns), sort=False)
        agg = grouped.mean()
        one_to_one = grouped.size().max() == 1
        if not one_to_one:
            agg["__rows"] = grouped.size()
        left = key_frame(both, [m for _, m in subset])
        joined = left.merge(agg.reset_index(), how="left", on=list(left.columns))
        for c in agg.columns:
            features.add(f"{label}:{c}", joined[c].to_numpy(dtype=float), "aux")
        notes.append(f"joined {label} on {akeys} ({'one-to-one' if one_to_one else 'mean per key'}, "
                     f"{rate:.0%} of rows matched, {len(agg.columns)} columns)")
    return notes
