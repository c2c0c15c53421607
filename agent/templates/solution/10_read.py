
# ---------------------------------------------------------------- reading data

def open_bytes(competition, spec):
    """The file's bytes as a stream; archive members are read in memory, never
    extracted, so member names cannot point anywhere on disk."""
    path = os.path.join(competition, spec["path"])
    member = spec.get("member")
    low = path.lower()
    if low.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            return io.BytesIO(zf.read(member or names[0]))
    if low.endswith((".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz")):
        with tarfile.open(path) as tf:
            return io.BytesIO(tf.extractfile(member).read())
    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
    for ext, fn in opener.items():
        if low.endswith(ext):
            with fn(path, "rb") as f:
                return io.BytesIO(f.read())
    with open(path, "rb") as f:
        return io.BytesIO(f.read())


def sniff_separator(head):
    """The delimiter of a delimited text file from its first line."""
    line = head.split(b"\n", 1)[0].split(b"\r", 1)[0]
    counts = {sep: line.count(sep.encode()) for sep in (",", "\t", ";", "|")}
    sep = max(counts, key=counts.get)
    return sep if counts[sep] > 0 else ","


def decode_records(records):
    """A DataFrame from JSON records; nested objects are flattened one level."""
    if isinstance(records, dict):
        lists = [v for v in records.values() if isinstance(v, list)]
        if len(lists) == 1 and lists[0] and isinstance(lists[0][0], dict):
            records = lists[0]          # {"data": [ {...}, ... ]}
        else:
            return pd.DataFrame(records)  # {"col": [...], ...}
    return pd.json_normalize(records, max_level=1)


def read_table(competition, spec, text_columns=()):
    """A DataFrame of the table. `text_columns` (ids, labels) stay strings;
    list-valued JSON fields stay Python lists."""
    src = open_bytes(competition, spec)
    raw = src.getvalue()
    fmt = spec.get("format", "csv")
    if fmt == "json":
        text = raw.decode("utf-8", errors="replace")
        try:
            df = decode_records(json.loads(text))
        except ValueError:
            rows = [json.loads(l) for l in text.splitlines() if l.strip()]
            df = decode_records(rows)
        for c in df.columns:
            if c in text_columns:
                df[c] = df[c].map(lambda v: "" if v is None else str(v))
        return df
    sep = spec.get("sep") or sniff_separator(raw[:65536])
    dtypes = {c: str for c in text_columns}
    for encoding in ("utf-8", "latin-1"):
        try:
            df = pd.read_csv(io.BytesIO(raw), sep=sep, dtype=dtypes, low_memory=False,
                             encoding=encoding, skipinitialspace=False)
            break
        except UnicodeDecodeError:
            continue
    df.columns = [str(c).strip() for c in df.columns]
    return df


def read_sample(competition, spec):
    """The sample submission, every cell as written."""
    raw = open_bytes(competition, spec).getvalue()
    sep = spec.get("sep") or sniff_separator(raw[:65536])
    df = pd.read_csv(io.BytesIO(raw), sep=sep, dtype=str, keep_default_na=False,
                     encoding="latin-1" if b"\xff" in raw[:4] else "utf-8")
    df.columns = [str(c).strip() for c in df.columns]
    return df


def find_column(columns, name):
    """`name` among `columns`: exactly, else ignoring case and spaces."""
    if name in columns:
        return name
    key = re.sub(r"\s+", "", str(name).lower())
    hits = [c for c in columns if re.sub(r"\s+", "", str(c).lower()) == key]
    return hits[0] if len(hits) == 1 else None
