
# ------------------------------------------------------------------ features
# One frame over train rows then test rows. Every column carries a group:
# "base" (the raw columns, typed), "rich" (decomposed codes, frequent tokens,
# frequencies, missing flags, date parts of keys), "pair" (similarity of two
# short-text columns) and "aux" (joined side tables). Feature sets are unions
# of groups; CV decides between them.

MAX_NATIVE_LEVELS = 250  # HistGradientBoosting bins categories into < 255 codes
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9']+|\d+")


def category_codes(s):
    """Integer codes by frequency (0 = most frequent), NaN for missing."""
    text = s.astype(str) if s.dtype != object else s
    text = text.where(~is_missing_text(s), None)
    counts = text.value_counts()
    mapping = {v: i for i, v in enumerate(counts.index)}
    return text.map(mapping).astype(float), counts


class Features:
    """Model-ready columns plus the texts for TF-IDF models."""

    def __init__(self, n_train):
        self.n_train = n_train
        self.columns = {}      # name -> np.ndarray (float)
        self.group = {}        # name -> group
        self.categorical = set()  # names holding category codes
        self.levels = {}       # categorical name -> number of levels
        self.texts = {}        # name -> list of str (train then test)
        self.text_group = {}
        self.text_kind = {}
        self.info = []         # what each raw column was taken for
        self.encodable = {}    # name -> integer codes for target encoding

    def add(self, name, values, group, categorical=False, levels=0):
        name = str(name)
        while name in self.columns:
            name += "_"
        self.columns[name] = np.asarray(values, dtype=float)
        self.group[name] = group
        if categorical:
            self.categorical.add(name)
            self.levels[name] = levels
        return name

    def add_text(self, name, texts, group="base", kind="text"):
        self.texts[name] = list(texts)
        self.text_group[name] = group
        self.text_kind[name] = kind

    def frame(self, groups):
        names = [c for c in self.columns if self.group[c] in groups]
        if not names:
            return pd.DataFrame({"__constant": np.zeros(self.n_rows())}), []
        df = pd.DataFrame({c: self.columns[c] for c in names})
        return df, [c for c in names if c in self.categorical]

    def n_rows(self):
        for v in self.columns.values():
            return len(v)
        for v in self.texts.values():
            return len(v)
        return 0

    def corpora(self, groups, phrases=True):
        """[(kind, one string per row)]: the text columns of the groups,
        joined per kind (prose, list, phrase); short phrases only with
        `phrases` or when there is nothing else."""
        names = [n for n in self.texts if self.text_group[n] in groups]
        if not phrases:
            longer = [n for n in names if self.text_kind.get(n) != "phrase"]
            names = longer or names
        out = []
        for kind in ("text", "list", "phrase"):
            mine = [n for n in names if self.text_kind.get(n, "text") == kind]
            if mine:
                out.append((kind, [" ".join(parts) for parts in zip(*[self.texts[n] for n in mine])]))
        return out

    def groups(self):
        return sorted(set(self.group.values()) | set(self.text_group.values()))


def add_datetime(f, name, d, group):
    epoch = (d - pd.Timestamp("1970-01-01")).dt.total_seconds() / 86400.0
    f.add(name + "__days", epoch, group)
    f.add(name + "__year", d.dt.year, group)
    f.add(name + "__month", d.dt.month, group)
    f.add(name + "__day", d.dt.day, group)
    f.add(name + "__weekday", d.dt.weekday, group)
    f.add(name + "__dayofyear", d.dt.dayofyear, group)
    f.add(name + "__week", d.dt.isocalendar().week.astype(float), group)
    if (d.dt.hour.fillna(0) != 0).any():
        f.add(name + "__hour", d.dt.hour, group)
        f.add(name + "__minute_of_day", d.dt.hour * 60 + d.dt.minute, group)


def add_categorical(f, name, s, group, with_frequency=True):
    codes, counts = category_codes(s)
    levels = len(counts)
    native = codes.where(codes < MAX_NATIVE_LEVELS, MAX_NATIVE_LEVELS)
    f.add(name, native, group, categorical=True, levels=min(levels, MAX_NATIVE_LEVELS + 1))
    if with_frequency and levels > 2:
        freq = s.astype(str).map(counts).astype(float).where(codes.notna(), 0)
        f.add(name + "__count", freq, "rich")
    return codes, counts


def add_tokens(f, name, s, n_rows, top=25):
    """Flags of the frequent tokens of a short-text column ('Mix', 'Mr')."""
    tokens = s.fillna("").astype(str).str.lower().str.findall(TOKEN)
    df = {}
    for toks in tokens.head(200000):
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    n = min(len(tokens), 200000)
    keep = [t for t, c in sorted(df.items(), key=lambda kv: -kv[1])
            if max(10, 0.005 * n) <= c <= 0.9 * n][:top]
    if not keep:
        return
    sets = tokens.map(set)
    for t in keep:
        f.add(f"{name}~{t}", sets.map(lambda x, t=t: t in x).astype(float), "rich")
    f.add(name + "__tokens", tokens.str.len().astype(float), "rich")


def add_code_parts(f, name, s, sep, parts):
    pieces = s.astype(str).str.split(re.escape(sep), n=parts - 1, regex=True, expand=True)
    for p in range(pieces.shape[1]):
        part = pieces[p]
        nums = pd.to_numeric(part, errors="coerce")
        label = f"{name}__part{p}"
        if nums.notna().mean() > 0.9:
            f.add(label, nums, "rich")
            counts = part.map(part.value_counts())
            if counts.max() > 1:
                f.add(label + "__count", counts.astype(float), "rich")
        else:
            add_categorical(f, label, part.where(part.notna(), None), "rich")


def build_features(train, test, columns):
    """Features of the raw `columns` (ColumnInfo) over train then test rows."""
    both = pd.concat([train[[c.name for c in columns]], test[[c.name for c in columns]]],
                     ignore_index=True)
    n = len(both)
    f = Features(len(train))
    for info in columns:
        s = both[info.name]
        k = info.kind
        f.info.append(info.describe())
        if k in ("numeric", "boolean", "numeric_text", "duration"):
            if k == "numeric":
                v = pd.to_numeric(s, errors="coerce")
            elif k == "boolean":
                v = s.astype(str).str.strip().str.lower().isin(["true", "yes", "t", "y", "1"]).astype(float)
                v = v.where(~is_missing_text(s), np.nan)
            elif k == "numeric_text":
                v = parse_numbers(s)
            else:
                v = parse_duration_days(s)
            f.add(info.name, v, "base")
            levels = v.nunique()
            if k == "numeric" and 3 <= levels <= MAX_NATIVE_LEVELS and (v.dropna() == np.round(v.dropna())).all():
                # Small integer codes (store, department) also as categories:
                # native category splits group them by effect, not by value.
                codes, _ = category_codes(v.where(v.notna(), None).map(lambda x: None if x is None else str(x)))
                f.add(info.name + "__as_category", codes, "rich", categorical=True, levels=int(levels))
        elif k == "datetime":
            add_datetime(f, info.name, parse_dates(s), "base")
        elif k == "categorical":
            add_categorical(f, info.name, s, "base")
            if info.extra.get("levels", 0) > 30:
                add_tokens(f, info.name, s, n)
        elif k == "code":
            add_categorical(f, info.name, s, "base")
            add_code_parts(f, info.name, s, info.extra["sep"], info.extra["parts"])
            add_tokens(f, info.name, s, n)
        elif k == "phrase":
            text = s.fillna("").astype(str)
            f.add_text(info.name, text, kind="phrase")
            f.add(info.name + "__chars", text.str.len(), "base")
            f.add(info.name + "__missing", is_missing_text(s).astype(float), "rich")
            if info.extra.get("levels", n) <= 20000:
                add_categorical(f, info.name, s, "rich")
            add_tokens(f, info.name, s, n)
        elif k == "text":
            text = s.fillna("").astype(str)
            f.add_text(info.name, text)
            f.add(info.name + "__chars", text.str.len(), "base")
            f.add(info.name + "__words", text.str.count(r"\S+"), "base")
            f.add(info.name + "__missing", is_missing_text(s).astype(float), "rich")
        elif k == "list":
            items = s.map(lambda v: v if isinstance(v, (list, tuple)) else [])
            joined = items.map(lambda v: " ".join(
                [re.sub(r"\W+", "_", str(x).strip().lower()) for x in v] + [str(x) for x in v]))
            f.add_text(info.name, joined, kind="list")
            f.add(info.name + "__items", items.map(len), "base")
        elif k == "id":
            pass  # arbitrary row ids carry no signal
    strings = [c for c in columns if c.kind in ("phrase", "text")
               or (c.kind in ("categorical", "code") and c.extra.get("levels", 0) > 50)]
    add_pair_features(f, strings, both)
    add_encodable(f)
    return f


def add_encodable(f, max_pairs=6):
    """Columns target encoding may use: categories with many levels, and
    pairs of categories (store x department) whose combinations repeat."""
    cats = [c for c in f.categorical if f.levels.get(c, 0) >= 5]
    n = f.n_rows()
    for c in cats:
        if f.levels[c] > 30:
            f.encodable[c] = f.columns[c]
    # Raw ranks of capped categories come from their frequency column.
    ranked = sorted(cats, key=lambda c: -f.levels[c])[:5]
    pairs = []
    for i in range(len(ranked)):
        for j in range(i + 1, len(ranked)):
            a, b = f.columns[ranked[i]], f.columns[ranked[j]]
            combo = np.where(np.isnan(a) | np.isnan(b), np.nan, a * 1000 + b)
            distinct = len(np.unique(combo[~np.isnan(combo)]))
            if 50 <= distinct <= n / 5:
                pairs.append((distinct, f"{ranked[i]}*{ranked[j]}", combo))
    for _, name, combo in sorted(pairs, key=lambda p: -p[0])[:max_pairs]:
        f.encodable[name] = pd.factorize(combo)[0].astype(float)
        f.encodable[name][np.isnan(combo)] = np.nan


def add_pair_features(f, infos, both):
    """Similarity of two short-text columns (anchor vs target phrases)."""
    names = [c.name for c in infos
             if both[c.name].fillna("").astype(str).str.count(r"\S+").mean() <= 12][:4]
    if len(names) < 2:
        return
    from sklearn.feature_extraction.text import TfidfVectorizer
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a = both[names[i]].fillna("").astype(str).str.lower()
            b = both[names[j]].fillna("").astype(str).str.lower()
            label = f"{names[i]}~{names[j]}"
            for analyzer, grams in (("char_wb", (2, 4)), ("word", (1, 1))):
                vec = TfidfVectorizer(analyzer=analyzer, ngram_range=grams, min_df=1,
                                      sublinear_tf=True).fit(pd.concat([a, b]))
                va, vb = vec.transform(a), vec.transform(b)
                f.add(f"{label}__cos_{analyzer}", np.asarray(va.multiply(vb).sum(axis=1)).ravel(), "pair")
            wa = a.str.split().map(set)
            wb = b.str.split().map(set)
            inter = np.array([len(x & y) for x, y in zip(wa, wb)], dtype=float)
            union = np.array([len(x | y) for x, y in zip(wa, wb)], dtype=float)
            f.add(label + "__jaccard", inter / np.maximum(union, 1), "pair")
            f.add(label + "__common_words", inter, "pair")
            f.add(label + "__len_diff", (a.str.len() - b.str.len()).astype(float), "pair")
            f.add(label + "__contains", np.array([x in y or y in x for x, y in zip(a, b)], float), "pair")
