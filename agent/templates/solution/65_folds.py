
# -------------------------------------------------------------------- folds
# Validation mimics how test differs from train: when test lies after train
# in time, folds are whole time periods; when test holds groups train never
# saw (phrases, patients), folds are whole groups; otherwise (stratified)
# k-fold. Very large data is cross-validated on a fixed subsample.

def time_column(train, test, columns):
    """A datetime column whose test values lie after (nearly all) train's."""
    for info in columns:
        if info.kind != "datetime":
            continue
        a, b = parse_dates(train[info.name]), parse_dates(test[info.name])
        if a.notna().mean() < 0.9 or b.notna().mean() < 0.9:
            continue
        if b.quantile(0.05) >= a.quantile(0.9) and a.nunique() > 10:
            return info.name, a
    return None


def group_column(train, test, columns):
    """A repeated train column whose values test mostly never saw."""
    best = None
    for info in columns:
        if info.kind not in ("categorical", "phrase", "code", "text"):
            continue
        a = train[info.name].astype(str)
        groups = a.nunique()
        if groups < 20 or len(a) / groups < 2:
            continue
        unseen = 1 - test[info.name].astype(str).isin(set(a)).mean()
        if unseen >= 0.8 and (best is None or unseen > best[0]):
            best = (unseen, info.name, a)
    return None if best is None else (best[1], best[2])


def period_groups(dates):
    """Time periods for folds: years when there are several (three are
    enough for seasonal data, seen only in some months of every year: a
    quarter would cut a season in two, and the model would learn a season's
    level from its other quarters — test is a whole new season), else
    quarters, else months."""
    years = dates.dt.year
    seasonal = dates.dt.month.nunique() <= 9
    if years.nunique() >= 4 or (years.nunique() >= 3 and seasonal):
        return years.fillna(-1).astype(int).to_numpy()
    quarters = dates.dt.year * 4 + dates.dt.quarter
    if quarters.nunique() >= 4:
        return quarters.fillna(-1).astype(int).to_numpy()
    return (dates.dt.year * 12 + dates.dt.month).fillna(-1).astype(int).to_numpy()


class StopSplit:
    """The inner rows early stopping watches, shaped like the validation:
    15% of the groups when test holds unseen groups (rows of one group at
    random would leak); None means a random split (the model's own)."""

    def __init__(self, groups=None):
        self.groups = groups

    def __call__(self, rows):
        if self.groups is not None:
            g = self.groups[rows]
            chosen = np.unique(g)
            pick = set(np.random.RandomState(SEED).permutation(chosen)[:max(1, int(0.15 * len(chosen)))])
            return np.fromiter((v in pick for v in g), bool, len(g))
        return None


def make_folds(train, test, columns, targets, n_folds, max_rows, classification, repeats=1):
    """(folds as (fit_rows, valid_rows) over train rows, cv_rows, scheme)."""
    n = len(train)
    rng = np.random.RandomState(SEED)
    cv_rows = np.arange(n)
    if n > max_rows:
        cv_rows = np.sort(rng.choice(n, max_rows, replace=False))
    from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold
    found = time_column(train, test, columns)
    if found is not None:
        name, dates = found
        groups = period_groups(dates)[cv_rows]
        k = min(n_folds, len(np.unique(groups)))
        if k >= 2:
            # GroupKFold is deterministic: periods are balanced by size.
            split = GroupKFold(k).split(cv_rows, groups=groups)
            # Early stopping keeps the models' own random split here: on
            # seasonal data a slice of other periods stopped far too early
            # or never (measured), while rows of the same dates at random
            # gave the better models.
            return ([(cv_rows[a], cv_rows[b]) for a, b in split], cv_rows, f"time periods of '{name}' ({k} folds)",
                    StopSplit())
    found = group_column(train, test, columns)
    if found is not None:
        name, values = found
        codes = pd.factorize(values.iloc[cv_rows])[0]
        perm = np.random.RandomState(SEED).permutation(codes.max() + 1)
        split = GroupKFold(n_folds).split(cv_rows, groups=perm[codes])
        all_codes = pd.factorize(values)[0]
        return ([(cv_rows[a], cv_rows[b]) for a, b in split], cv_rows, f"groups of '{name}' ({n_folds} folds)",
                StopSplit(groups=all_codes))
    # Small data: repeat the folds with other shuffles; scores and
    # out-of-fold predictions average over the repeats, which steadies the
    # choice between candidates.
    folds = []
    for r in range(repeats):
        if classification:
            y = targets[0].y[cv_rows]
            counts = np.bincount(y[y >= 0])
            if counts[counts > 0].min() >= n_folds:
                split = StratifiedKFold(n_folds, shuffle=True, random_state=SEED + r).split(cv_rows, y)
                folds += [(cv_rows[a], cv_rows[b]) for a, b in split]
                continue
        split = KFold(n_folds, shuffle=True, random_state=SEED + r).split(cv_rows)
        folds += [(cv_rows[a], cv_rows[b]) for a, b in split]
    kind = "stratified " if classification and len(folds) and repeats else ""
    return folds, cv_rows, f"{kind}{n_folds}-fold" + (f" x{repeats} repeats" if repeats > 1 else ""), StopSplit()
