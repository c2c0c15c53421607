"""The submission layout: which test row each sample row is, and the keys."""
import os
import tempfile
import unittest

import numpy as np
import pandas as pd

from template_loader import load

S = load()


def competition(files):
    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, "data"))
    for name, frame in files.items():
        frame.to_csv(os.path.join(root, "data", name), index=False)
    return root


def profile(targets, header, test_inside=False):
    return {
        "files": {"train": {"path": "data/train.csv", "format": "csv"},
                  "test": {"path": "data/train.csv" if test_inside else "data/test.csv", "format": "csv"},
                  "sample_submission": {"path": "data/sample.csv", "format": "csv"},
                  "test_inside_train": test_inside},
        "targets": [{"submission_column": t, "train_column": t} for t in targets],
        "submission": {"header": header, "output": "value"},
    }


class LayoutTest(unittest.TestCase):
    def test_sample_rows_follow_the_sample_order_by_id(self):
        root = competition({
            "train.csv": pd.DataFrame({"id": [1, 2, 3], "x": [1, 2, 3], "y": [1.0, 2.0, 3.0]}),
            "test.csv": pd.DataFrame({"id": [10, 11, 12], "x": [5, 6, 7]}),
            "sample.csv": pd.DataFrame({"id": [12, 10, 11], "y": [0, 0, 0]})})
        S.PROFILE = profile(["y"], ["id", "y"])
        layout = S.Layout(root)
        self.assertEqual(list(layout.test["x"]), [7, 5, 6])
        self.assertEqual(layout.match, "by 'id'")

    def test_a_composite_key_is_built_from_test_columns(self):
        root = competition({
            "train.csv": pd.DataFrame({"store": [1, 2], "day": ["2020-01-01", "2020-01-02"], "y": [1.0, 2.0]}),
            "test.csv": pd.DataFrame({"store": [1, 2, 3], "day": ["2021-01-01", "2021-01-01", "2021-01-02"]}),
            "sample.csv": pd.DataFrame({"Id": ["3_2021-01-02", "1_2021-01-01", "2_2021-01-01"], "y": [0, 0, 0]})})
        S.PROFILE = profile(["y"], ["Id", "y"])
        layout = S.Layout(root)
        self.assertEqual(list(layout.test["store"]), [3, 1, 2])
        self.assertIn("store_day", layout.match.replace(" ", "").replace("'Id'=", ""))

    def test_without_any_key_rows_keep_the_test_order(self):
        root = competition({
            "train.csv": pd.DataFrame({"text": ["a b", "c d"], "label": ["x", "y"]}),
            "test.csv": pd.DataFrame({"text": ["e f", "g h", "i j"]}),
            "sample.csv": pd.DataFrame({"label": ["x", "x", "x"]})})
        S.PROFILE = profile(["label"], ["label"])
        layout = S.Layout(root)
        self.assertEqual(list(layout.test["text"]), ["e f", "g h", "i j"])
        self.assertEqual(layout.match, "by row position")

    def test_test_rows_inside_train_are_those_the_sample_names(self):
        data = pd.DataFrame({"id": [0, 1, 2, 3, 4], "x": [1, 2, 3, 4, 5], "y": [1.0, None, 3.0, None, None]})
        root = competition({"train.csv": data, "sample.csv": pd.DataFrame({"id": [3, 1], "y": [0, 0]})})
        S.PROFILE = profile(["y"], ["id", "y"], test_inside=True)
        layout = S.Layout(root)
        self.assertEqual(list(layout.test["id"].astype(int)), [3, 1])
        self.assertEqual(sorted(layout.train["id"].astype(int)), [0, 2])  # row 4: blank, not asked for

    def test_key_text_treats_integral_floats_as_integers(self):
        self.assertEqual(list(S.key_text(pd.Series([1.0, 2.0, 3.0]))), ["1", "2", "3"])
        self.assertEqual(list(S.key_text(pd.Series([" 7", "8.0"]))), ["7", "8"])


if __name__ == "__main__":
    unittest.main()
