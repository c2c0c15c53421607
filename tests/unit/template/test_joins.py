"""Side tables joined to train and test: averaged per key, and pivoted per
level when a low-cardinality column tells a key's rows apart."""
import os
import tempfile
import unittest

import numpy as np
import pandas as pd

from template_loader import load

S = load()


def competition(readings):
    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, "data"))
    readings.to_csv(os.path.join(root, "data", "readings.csv"), index=False)
    S.PROFILE = {"files": {"auxiliary": [{"path": "data/readings.csv", "format": "csv"}]}}
    return root


def joined(readings, both):
    root = competition(readings)
    f = S.Features(len(both))
    notes = S.join_auxiliary(root, both, f, set())
    return f, notes


class PivotTest(unittest.TestCase):
    def test_rows_per_key_told_apart_by_a_level_are_pivoted_one_column_per_level(self):
        readings = pd.DataFrame({"plot": ["a", "a", "b", "b", "c"],
                                 "probe": ["top", "deep", "deep", "top", "top"],
                                 "moisture": [10.0, 30.0, 25.0, 15.0, 12.0]})
        both = pd.DataFrame({"plot": ["b", "a", "c", "d"]})
        f, notes = joined(readings, both)
        self.assertIn("readings:probe=top:moisture", f.columns)
        self.assertEqual(f.group["readings:probe=top:moisture"], "auxp")
        np.testing.assert_allclose(f.columns["readings:probe=deep:moisture"], [25.0, 30.0, np.nan, np.nan])
        np.testing.assert_allclose(f.columns["readings:probe=top:moisture"], [15.0, 10.0, 12.0, np.nan])
        # the averaged columns stay, in the group only the "full" set takes
        self.assertEqual(f.group["readings:moisture"], "auxm")
        np.testing.assert_allclose(f.columns["readings:moisture"], [20.0, 20.0, 12.0, np.nan])
        self.assertTrue(any("pivoted readings on 'probe'" in n for n in notes))

    def test_the_two_feature_sets_race_the_mean_against_the_pivot(self):
        self.assertIn("auxm", S.FEATURE_SETS["full"])
        self.assertNotIn("auxp", S.FEATURE_SETS["full"])
        self.assertIn("auxp", S.FEATURE_SETS["pivot"])
        self.assertNotIn("auxm", S.FEATURE_SETS["pivot"])
        self.assertIn("aux", S.FEATURE_SETS["pivot"])  # other side tables stay in both

    def test_a_level_that_repeats_within_a_key_is_no_pivot_level(self):
        # transactions: several rows per account and channel -> mean per key only
        rng = np.random.RandomState(0)
        accounts = rng.choice([f"A{i}" for i in range(30)], 400)
        readings = pd.DataFrame({"plot": accounts, "channel": rng.choice(["web", "store"], 400),
                                 "amount": rng.gamma(2, 10, 400)})
        both = pd.DataFrame({"plot": [f"A{i}" for i in range(30)]})
        f, notes = joined(readings, both)
        self.assertEqual({f.group[c] for c in f.columns}, {"aux"})
        self.assertFalse(any("pivoted" in n for n in notes))

    def test_a_one_to_one_table_is_never_pivoted(self):
        readings = pd.DataFrame({"plot": ["a", "b", "c"], "soil": ["clay", "sand", "clay"],
                                 "ph": [6.5, 7.0, 5.5]})
        f, _ = joined(readings, pd.DataFrame({"plot": ["a", "b", "c"]}))
        self.assertEqual({f.group[c] for c in f.columns}, {"aux"})

    def test_the_level_column_is_found_among_many_values(self):
        keys = pd.DataFrame({"d": ["1", "1", "2", "2", "3", "3"]})
        table = pd.DataFrame({"station": [1, 2, 1, 2, 2, 1], "tmax": [80, 81, 70, 72, 60, 61],
                              "code": ["RA", "RA", "", "", "TS", "RA"]})
        self.assertEqual(S.pivot_level_column(keys, table, ["tmax", "station", "code"]), "station")
        self.assertIsNone(S.pivot_level_column(keys.iloc[[0, 2, 4]].reset_index(drop=True),
                                               table.iloc[[0, 2, 4]].reset_index(drop=True), ["station"]))


if __name__ == "__main__":
    unittest.main()
