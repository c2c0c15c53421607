
# ----------------------------------------------------------------- matrices
# Design matrices are built once over train and test rows (unsupervised
# steps only: imputation, scaling, one-hot, TF-IDF vocabularies), then every
# fold slices rows. Nothing here sees a target.

class Matrices:
    def __init__(self, features):
        self.f = features
        self.cache = {}
        self.beyond_words = {}  # (groups, with_text) -> whether the text design holds more than word n-grams

    def dense(self, groups):
        """(float32 matrix, categorical mask, names) for tree models."""
        key = ("dense", tuple(sorted(groups)))
        if key not in self.cache:
            df, cats = self.f.frame(groups)
            mask = np.array([c in self.f.categorical for c in df.columns])
            self.cache[key] = (df.to_numpy(dtype=np.float32), mask, list(df.columns))
        return self.cache[key]

    def linear(self, groups, with_text, plain=None):
        """Sparse matrix for linear models: scaled numbers with missing flags
        and one-hot categories; a text model (`with_text`: "text" for prose
        and token lists, "all" for short phrases as well) takes TF-IDF of
        the texts and one-hot categories instead of the numbers, which the
        tree models and the blend bring in. Character n-grams join the word
        n-grams where the corpus is small enough; `plain` (a word n-gram
        range) keeps the text's word n-grams alone, the form of a quick
        TF-IDF baseline."""
        key = ("linear", tuple(sorted(groups)), with_text, plain)
        if key in self.cache:
            return self.cache[key]
        df, cats = self.f.frame(groups)
        blocks = []
        nums = [c for c in df.columns if c not in cats]
        if nums and not with_text:
            x = df[nums].to_numpy(dtype=float)
            missing = np.isnan(x)
            low = np.nanpercentile(x, 0.5, axis=0)
            high = np.nanpercentile(x, 99.5, axis=0)
            x = np.clip(x, low, high)
            med = np.nanmedian(x, axis=0)
            x = np.where(missing, med, x)
            x = np.nan_to_num(x)
            sd = x.std(axis=0)
            x = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1)
            if with_text:
                # Beside unit-length TF-IDF rows, a block of many unit-variance
                # columns dominates and slows the solver: give it norm ~1 too.
                x = x / math.sqrt(x.shape[1])
            blocks.append(sp.csr_matrix(x))
            flags = missing[:, missing.any(axis=0)]
            if flags.shape[1]:
                blocks.append(sp.csr_matrix(flags.astype(float)))
        for c in ([] if plain and with_text else cats):
            codes = df[c].to_numpy()
            valid = ~np.isnan(codes)
            counts = np.bincount(codes[valid].astype(int)) if valid.any() else np.zeros(1)
            keep = np.flatnonzero(counts >= 3)[:500]
            index = np.full(max(len(counts), 1), -1)
            index[keep] = np.arange(len(keep))
            col = np.where(valid, index[np.where(valid, codes, 0).astype(int)], -1)
            rows = np.flatnonzero(col >= 0)
            if len(keep):
                value = 1.0 / math.sqrt(len(cats)) if with_text else 1.0
                blocks.append(sp.csr_matrix((np.full(len(rows), value), (rows, col[rows])),
                                            shape=(len(df), len(keep))))
        if with_text:
            beyond = len(blocks) > 0  # one-hot categories
            corpora = self.f.corpora(groups, phrases=with_text == "all")
            for kind, corpus in corpora:
                parts = self.tfidf(corpus, kind, plain)
                beyond = beyond or len(parts) > 1
                blocks.extend(parts)
            self.beyond_words[(tuple(sorted(groups)), with_text)] = beyond
        if not blocks:
            blocks.append(sp.csr_matrix(np.zeros((len(df), 1))))
        m = sp.hstack(blocks).tocsr()
        self.cache[key] = m
        return m

    def linear_input(self, groups, with_text, plain=None):
        """The linear design as the solvers read it fastest: a mostly
        non-zero design (numbers, few categories) as a dense array, where
        the solvers' products run through BLAS (~4x faster than sparse
        products for the same values); TF-IDF designs stay sparse."""
        key = ("linear_input", tuple(sorted(groups)), with_text, plain)
        if key not in self.cache:
            m = self.linear(groups, with_text, plain)
            cells = m.shape[0] * m.shape[1]
            dense = cells <= 5e7 and m.nnz >= 0.3 * max(cells, 1)
            self.cache[key] = m.toarray() if dense else m
        return self.cache[key]

    def tfidf(self, corpus, kind, plain=None):
        """TF-IDF blocks of one kind of text: token lists (JSON arrays) as
        their tokens; prose and phrases as word 1-2 grams plus character
        n-grams, sized so a fit stays a few seconds. `plain`: the word
        n-gram range alone, nothing else."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        n = len(corpus)
        words = plain or (1, 2)
        if kind == "list" or words == (1, 1):
            vecs = [TfidfVectorizer(min_df=2, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b",
                                    max_features=100000, dtype=np.float32)]
        else:
            vecs = [TfidfVectorizer(ngram_range=words, min_df=2, max_features=100000, sublinear_tf=True,
                                    token_pattern=r"(?u)\b\w+\b", dtype=np.float32)]
            mean_chars = float(np.mean([len(t) for t in corpus[:5000]])) if n else 0.0
            if not plain and n * mean_chars < 3e7:
                grams = (2, 4) if kind == "phrase" else ((2, 5) if mean_chars < 300 else (3, 5))
                vecs.append(TfidfVectorizer(analyzer="char_wb", ngram_range=grams, min_df=3,
                                            max_features=100000, sublinear_tf=True, dtype=np.float32))
        out = []
        for vec in vecs:
            try:
                out.append(vec.fit_transform(corpus).tocsr())
            except ValueError:  # empty vocabulary
                pass
        return out

    def has_text(self, groups, with_text="text"):
        return bool(self.f.corpora(groups, phrases=with_text == "all"))
