
# ------------------------------------------------------- auxiliary tables
# Side tables (weather.csv, stores.csv, features.csv) that share key columns
# with train and test are joined: one-to-one tables directly, one-to-many
# ones aggregated (mean of numbers, row count) per key. Their columns form the
# "aux" group, a feature set CV may take or leave. When the several rows of a
# key differ by a low-cardinality column (weather per station, readings per
# probe), averaging them can erase the signal: the table is also pivoted to
# one column per level and value ("auxp"), and CV races the averaged set
# ("full") against the pivoted one ("pivot").

MAX_PIVOT_LEVELS = 6     # levels of the column a table is pivoted on
MAX_PIVOT_COLUMNS = 240  # levels x value columns


def pivot_level_column(keys, table, candidates):
    """The low-cardinality column (2..MAX_PIVOT_LEVELS levels) that tells
    apart the rows of one key: within a key and level there is one row (for
    >= 95% of them) while keys have several, and a level recurs across keys
    (its most common level is in >= half of them; a measurement with few
    values is no level). Fewest levels first; None when there is none."""
    key_cols = list(keys.columns)
    per_key = keys.groupby(key_cols, sort=False).size()
    if per_key.max() <= 1:
        return None
    best = None
    for c in candidates:
        levels = table[c].nunique(dropna=True)
        if not 2 <= levels <= MAX_PIVOT_LEVELS:
            continue
        tagged = keys.assign(__level=table[c].astype(str).values)
        sizes = tagged.groupby(key_cols + ["__level"], sort=False).size()
        if float((sizes == 1).mean()) < 0.95:
            continue
        if sizes.index.get_level_values("__level").value_counts().max() < 0.5 * len(per_key):
            continue
        if best is None or levels < best[0]:
            best = (levels, c)
    return None if best is None else best[1]


def pivot_by_level(right, table, level, numeric):
    """One column per (level, value column): the value of the key's row at
    that level (the mean if a level repeats); levels by frequency."""
    key_cols = list(right.columns)
    values = [c for c in numeric if c != level]
    order = table[level].astype(str).value_counts().index[:MAX_PIVOT_LEVELS]
    per_level = max(1, MAX_PIVOT_COLUMNS // max(1, len(order)))
    values = values[:per_level]
    frame = pd.concat([right, pd.DataFrame({c: numeric[c] for c in values})], axis=1)
    frame["__level"] = table[level].astype(str).values
    frame = frame[frame["__level"].isin(set(order))]
    wide = frame.groupby(key_cols + ["__level"], sort=False)[values].mean().unstack("__level")
    wide = wide.reindex(columns=pd.MultiIndex.from_product([values, list(order)]))
    wide.columns = [f"{level}={lv}:{c}" for c, lv in wide.columns]
    return wide

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
        level = None if one_to_one else pivot_level_column(right, aux, value_cols)
        joined = left.merge(agg.reset_index(), how="left", on=list(left.columns))
        # A pivoted table's means go to "auxm", so that the "pivot" set holds
        # the other tables' columns but this table only pivoted.
        for c in agg.columns:
            features.add(f"{label}:{c}", joined[c].to_numpy(dtype=float), "aux" if level is None else "auxm")
        notes.append(f"joined {label} on {akeys} ({'one-to-one' if one_to_one else 'mean per key'}, "
                     f"{rate:.0%} of rows matched, {len(agg.columns)} columns)")
        if level is not None:
            wide = pivot_by_level(right, aux, level, numeric)
            joined = left.merge(wide.reset_index(), how="left", on=list(left.columns))
            for c in wide.columns:
                features.add(f"{label}:{c}", joined[c].to_numpy(dtype=float), "auxp")
            notes.append(f"pivoted {label} on '{level}' ({wide.columns.size} columns, one per level and value)")
    return notes
