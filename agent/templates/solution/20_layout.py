
# ------------------------------------------------------- submission layout

def key_text(series):
    """Values as comparable strings: stripped, integral numbers without '.0'."""
    if pd.api.types.is_integer_dtype(series):
        return series.astype(str)
    if pd.api.types.is_float_dtype(series):
        v = series.to_numpy(dtype=float)
        integral = np.isfinite(v) & (v == np.round(v))
        if integral.mean() > 0.99:
            out = pd.Series(np.where(integral, np.round(np.nan_to_num(v)).astype(np.int64).astype(str),
                                     series.astype(str)), index=series.index)
            return out
        return series.astype(str)
    s = series.astype(str).str.strip()
    head = s.head(1000)
    if pd.to_numeric(head, errors="coerce").notna().mean() > 0.99:
        as_num = pd.to_numeric(s, errors="coerce")
        integral = as_num.notna() & np.isfinite(as_num) & (as_num == np.round(as_num))
        if integral.mean() > 0.99:
            s = s.where(~integral, as_num.where(integral).astype("Int64").astype(str))
    return s


def composite_parts(sample_values, test, seps=("_", "-", ":", "|", "/", " ")):
    """(separator, [test columns]) whose values joined by the separator spell
    the sample's key, e.g. `Id` = Store_Dept_Date; None when nothing fits."""
    for sep in seps:
        split = sample_values.str.split(re.escape(sep), regex=True)
        n = split.str.len()
        if n.min() < 2 or n.nunique() != 1:
            continue
        parts = pd.DataFrame(split.tolist())
        texts = {}
        chosen = []
        for p in range(parts.shape[1]):
            want = set(parts[p].unique())
            best = None
            for c in test.columns:
                if c in chosen:
                    continue
                if c not in texts:
                    texts[c] = set(key_text(test[c]).unique())
                have = texts[c]
                share = len(want & have) / max(len(want), 1)
                if share >= 0.95 and (best is None or share > best[0]):
                    best = (share, c)
            if best is None:
                break
            chosen.append(best[1])
        if len(chosen) == parts.shape[1]:
            return sep, chosen
    return None


class Layout:
    """Train rows, test rows in the sample submission's row order, and how
    the sample's key columns were matched to test."""

    def __init__(self, competition):
        files = PROFILE["files"]
        self.sample = read_sample(competition, files["sample_submission"])
        self.header = list(self.sample.columns)
        self.targets = [t["submission_column"] for t in PROFILE["targets"]]
        self.key_columns = [h for h in self.header if h not in self.targets]
        label_cols = [t["train_column"] for t in PROFILE["targets"]]
        keep_text = label_cols + [c for c in self.key_columns]
        self.train = read_table(competition, files["train"], keep_text)
        if files.get("test_inside_train"):
            self.split_inside(label_cols)
        else:
            self.test = read_table(competition, files["test"], keep_text)
        self.notes = []
        self.align()
        present = np.ones(len(self.train), dtype=bool)
        for c in label_cols:
            col = self.train[c]
            present &= ~is_missing_text(col).to_numpy()
        if not present.all():
            self.notes.append(f"dropped {int((~present).sum())} train rows without a target")
        self.train = self.train[present].reset_index(drop=True)

    def split_inside(self, label_cols):
        """One file holds both: test rows are those the sample submission names
        (else those with a blank target)."""
        data = self.train
        blank = np.zeros(len(data), dtype=bool)
        for c in label_cols:
            blank |= is_missing_text(data[c]).to_numpy()
        wanted = blank
        for k in self.key_columns:
            col = find_column(data.columns, k)
            if col is not None:
                named = key_text(data[col]).isin(set(key_text(self.sample[k])))
                if named.sum() >= 0.99 * len(self.sample):
                    wanted = named.to_numpy()
                    break
        self.test = data[wanted].reset_index(drop=True)
        self.train = data[~wanted & ~blank].reset_index(drop=True)

    def align(self):
        """Reorders test to the sample's rows."""
        sample, test = self.sample, self.test
        n = len(sample)
        order = None
        for k in self.key_columns:
            col = find_column(test.columns, k)
            if col is None:
                continue
            tk = key_text(test[col])
            if tk.duplicated().any():
                continue
            pos = pd.Series(np.arange(len(test)), index=tk.values).reindex(key_text(sample[k]).values)
            if pos.notna().mean() >= 0.999:
                order = pos.fillna(-1).to_numpy(dtype=int)
                self.match = f"by '{k}'"
                break
        if order is None:
            for k in self.key_columns:
                if find_column(test.columns, k) is not None:
                    continue
                found = composite_parts(key_text(sample[k]), test)
                if found is None:
                    continue
                sep, cols = found
                tk = pd.Series([sep.join(v) for v in zip(*[key_text(test[c]) for c in cols])])
                if tk.duplicated().any():
                    continue
                pos = pd.Series(np.arange(len(test)), index=tk.values).reindex(key_text(sample[k]).values)
                if pos.notna().mean() >= 0.999:
                    order = pos.fillna(-1).to_numpy(dtype=int)
                    self.match = f"'{k}' = " + sep.join(cols)
                    self.notes.append(f"submission key '{k}' is test's {' + '.join(cols)} joined by '{sep}'")
                    break
        if order is None:
            if len(test) != n:
                raise ValueError(f"cannot match the sample submission's {n} rows to test's "
                                 f"{len(test)} rows: no key column of the sample is in test")
            order = np.arange(n)
            self.match = "by row position"
            self.notes.append("sample submission rows matched to test rows by position")
        missing = order < 0
        if missing.any():
            self.notes.append(f"{int(missing.sum())} sample rows not in test: predicted from the prior")
            order = np.where(missing, 0, order)
        self.missing_rows = missing
        self.test = test.iloc[order].reset_index(drop=True)
