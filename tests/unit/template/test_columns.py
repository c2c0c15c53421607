"""Column semantics and the features built from them."""
import unittest

import numpy as np
import pandas as pd

from template_loader import load

S = load()


def kind(values):
    s = pd.Series(values)
    return S.classify_column("c", s, len(s)).kind


class ColumnKindTest(unittest.TestCase):
    def test_numbers_written_with_units_and_signs_are_numbers(self):
        self.assertEqual(kind(["$1,200", "$35", "$7,000"] * 10), "numeric_text")
        self.assertEqual(kind(["3 weeks", "1 year", "2 months", "5 days"] * 10), "duration")

    def test_dates_in_several_spellings_are_dates(self):
        self.assertEqual(kind(["5/29/2007", "6/1/2007", "7/12/2008"] * 10), "datetime")
        self.assertEqual(kind(["2014-02-12 18:22:00", "2013-10-13 12:44:00"] * 10), "datetime")

    def test_a_code_with_consistent_parts_is_decomposed(self):
        rng = np.random.RandomState(0)
        values = [f"{d}/{n}/{s}" for d, n, s in zip(rng.choice(list("ABCDEFG"), 600),
                                                     rng.randint(0, 1500, 600), rng.choice(["P", "S"], 600))]
        self.assertEqual(kind(values), "code")

    def test_unique_hashes_are_ids_and_lists_are_lists(self):
        self.assertEqual(kind([f"{i:08x}{i * 7919:08x}" for i in range(500)]), "id")
        self.assertEqual(kind([["a", "b"], ["c"], ["a", "d"]] * 10), "list")

    def test_prose_is_text(self):
        self.assertEqual(kind([f"the quick brown fox {i} jumps over the lazy dog" for i in range(50)]), "text")


class FeatureTest(unittest.TestCase):
    def test_code_parts_and_title_tokens_become_features(self):
        rng = np.random.RandomState(1)
        n = 400
        codes = [f"{d}/{k}/{s}" for d, k, s in zip(rng.choice(list("ABC"), n), rng.randint(0, 900, n),
                                                    rng.choice(["P", "S"], n))]
        names = [f"Name{i}, {t}. Given{i % 37}" for i, t in zip(range(n), rng.choice(["Mr", "Mrs", "Miss"], n))]
        train = pd.DataFrame({"cabin": codes, "name": names})
        infos = [S.classify_column(c, train[c], n) for c in train.columns]
        f = S.build_features(train.iloc[:300], train.iloc[300:], infos)
        self.assertIn("cabin__part0", f.columns)       # deck as its own category
        self.assertIn("cabin__part1", f.columns)       # number as a number
        self.assertTrue(any(c.startswith("name~mr") for c in f.columns))  # the title token

    def test_small_integer_codes_are_also_categories(self):
        train = pd.DataFrame({"store": np.arange(300) % 45})
        infos = [S.classify_column("store", train["store"], 300)]
        f = S.build_features(train.iloc[:200], train.iloc[200:], infos)
        self.assertIn("store__as_category", f.categorical)

    def test_pairs_of_short_texts_get_similarity_features(self):
        a = pd.Series([f"word{i % 40} thing" for i in range(200)])
        b = pd.Series([f"word{i % 40} other" if i % 2 else f"unrelated{i}" for i in range(200)])
        train = pd.DataFrame({"anchor": a, "target": b})
        infos = [S.ColumnInfo("anchor", "phrase"), S.ColumnInfo("target", "phrase")]
        f = S.build_features(train.iloc[:150], train.iloc[150:], infos)
        jac = f.columns["anchor~target__jaccard"]
        self.assertGreater(jac[1], jac[0])  # shared word vs none


class EncodingTest(unittest.TestCase):
    def test_target_encoding_never_sees_a_rows_own_target(self):
        codes = np.arange(100, dtype=float)  # every row its own category
        y = np.arange(100, dtype=float)
        rows = np.arange(100)
        fit_values, _ = S.encode_targets(codes, y, rows, rows, prior=50.0)
        # Out of fold, a unique category falls back to the prior exactly.
        self.assertTrue(np.allclose(fit_values, 50.0))

    def test_target_encoding_applies_the_fitted_means(self):
        codes = np.array([0, 0, 0, 0, 1, 1, 1, 1] * 10, dtype=float)
        y = np.where(codes == 0, 10.0, 0.0)
        rows = np.arange(80)
        _, applied = S.encode_targets(codes, y, rows, np.array([0, 4]), prior=5.0, smoothing=1.0)
        self.assertGreater(applied[0], 9.0)
        self.assertLess(applied[1], 1.0)


if __name__ == "__main__":
    unittest.main()
