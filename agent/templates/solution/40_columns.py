
# ------------------------------------------------------------ column semantics
# What each raw column holds, decided on train and test together: numbers
# (also "$1,200", "45%", "3 weeks"), dates, categories, free text, short
# phrases, token lists (JSON arrays), structured codes ("B/123/P"), or an
# arbitrary id (dropped).

DURATION_DAYS = {"second": 1 / 86400, "minute": 1 / 1440, "hour": 1 / 24, "day": 1,
                 "week": 7, "month": 30.44, "year": 365.25}
DURATION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(second|minute|hour|day|week|month|year)s?\s*$",
                      re.IGNORECASE)
NUMBER_LIKE = re.compile(r"^\s*[-+]?[$€£]?\s*[-+]?\d[\d,]*(\.\d+)?\s*%?\s*$")
DATE_LIKE = re.compile(r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
                       r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp][Mm])?)?(Z|[+-]\d{2}:?\d{2})?\s*$")
SEPARATORS = ("/", "_", "-", "|", ":", ";", ",", ".", " ")


MISSING_TEXT = {"", " ", "nan", "NaN", "None", "null", "NULL", "NA", "N/A", "n/a", "<NA>", "#N/A", "-", "?"}


def is_missing_text(s):
    """Missing cells, also as the text files spell them ('NA', 'null', ...)."""
    if s.dtype != object:
        return s.isna()
    return s.isna() | s.isin(MISSING_TEXT)


def parse_numbers(s):
    """Numbers written with currency signs, thousands separators or %."""
    t = s.astype(str).str.replace(r"[$€£,%\s]", "", regex=True)
    return pd.to_numeric(t, errors="coerce")


def parse_duration_days(s):
    m = s.astype(str).str.extract(DURATION)
    value = pd.to_numeric(m[0], errors="coerce")
    unit = m[1].str.lower().map(DURATION_DAYS)
    return value * unit


def parse_dates(s):
    text = s.astype(str).str.strip()
    try:
        d = pd.to_datetime(text, errors="coerce", infer_datetime_format=True)
    except (ValueError, TypeError, OverflowError):
        d = pd.to_datetime(text, errors="coerce")
    if getattr(d.dt, "tz", None) is not None:
        d = d.dt.tz_convert(None)
    return d


def consistent_split(values, min_share=0.9):
    """(separator, parts) when nearly every value splits into the same number
    (>= 2) of parts on one separator; else None."""
    sample = values.head(5000)
    for sep in SEPARATORS:
        n = sample.str.count(re.escape(sep)) + 1
        mode = int(n.mode().iloc[0]) if len(n) else 1
        if 2 <= mode <= 6 and (n == mode).mean() >= min_share:
            if sep == " " and sample.str.len().mean() > 25:
                continue  # sentences, not codes
            return sep, mode
    return None


class ColumnInfo:
    """One raw column's semantics."""

    def __init__(self, name, kind, **extra):
        self.name, self.kind = name, kind
        self.extra = extra

    def describe(self):
        d = {"name": self.name, "kind": self.kind}
        d.update({k: v for k, v in self.extra.items() if isinstance(v, (str, int, float, bool))})
        return d


def classify_column(name, s, n_rows):
    """The ColumnInfo of column `name` with values `s` (train + test)."""
    present = s[~is_missing_text(s)] if s.dtype == object else s.dropna()
    if len(present) == 0:
        return ColumnInfo(name, "empty")
    if s.dtype == object and present.map(lambda v: isinstance(v, (list, tuple))).mean() > 0.9:
        return ColumnInfo(name, "list")
    if s.dtype == bool or str(s.dtype) == "boolean":
        return ColumnInfo(name, "numeric")
    if pd.api.types.is_numeric_dtype(s):
        unique = present.nunique()
        if unique >= 0.999 * n_rows and n_rows > 1000 and pd.api.types.is_integer_dtype(present) \
                and (np.diff(np.sort(present.to_numpy())) == 1).mean() > 0.99:
            return ColumnInfo(name, "id")  # a row counter
        return ColumnInfo(name, "numeric", integer=bool(pd.api.types.is_integer_dtype(present)))
    text = present.astype(str).str.strip()
    lowered = text.str.lower()
    if lowered.isin(["true", "false", "yes", "no", "t", "f", "y", "n"]).mean() > 0.99:
        return ColumnInfo(name, "boolean")
    probe = text.head(20000)
    if probe.str.match(NUMBER_LIKE).mean() > 0.97:
        return ColumnInfo(name, "numeric_text")
    if probe.str.match(DURATION).mean() > 0.9:
        return ColumnInfo(name, "duration")
    if probe.str.match(DATE_LIKE).mean() > 0.95 and parse_dates(probe).notna().mean() > 0.95:
        return ColumnInfo(name, "datetime")
    unique = text.nunique()
    unique_share = unique / max(len(text), 1)
    words = probe.str.count(r"\S+").mean()
    length = probe.str.len().mean()
    if (words >= 4 and unique_share > 0.3) or length >= 40:
        return ColumnInfo(name, "text")
    split = consistent_split(text) if unique > 50 else None
    if unique_share > 0.98 and len(text) > 200:
        if split is not None:
            return ColumnInfo(name, "code", sep=split[0], parts=split[1])
        if words >= 1.5:
            return ColumnInfo(name, "phrase")
        return ColumnInfo(name, "id")
    if words >= 1.8 and unique_share > 0.05 and unique > 200:
        return ColumnInfo(name, "phrase", levels=int(unique))
    if split is not None:
        return ColumnInfo(name, "code", sep=split[0], parts=split[1], levels=int(unique))
    return ColumnInfo(name, "categorical", levels=int(unique))
