"""The race's choices that do not need a whole competition: the
regularisation grid walking past its edge and the baseline chosen for many
classes."""
import types
import unittest

from template_loader import load

S = load()


def lower(a, b, margin=0.0):
    return a < b - margin


def walk(grid, score_of):
    scores = {}
    tried = []
    for value in S.grid_walk(grid, scores, lower):
        tried.append(value)
        scores[value] = score_of(value)
    return tried, S.best_value(scores, lower)


class GridWalkTest(unittest.TestCase):
    def test_an_optimum_inside_the_grid_adds_nothing(self):
        tried, best = walk([1.0, 3.0, 10.0], lambda c: abs(c - 3.0))
        self.assertEqual(tried, [1.0, 3.0, 10.0])
        self.assertEqual(best, 3.0)

    def test_an_optimum_beyond_the_top_edge_is_followed(self):
        tried, best = walk([0.3, 1.0, 3.0], lambda c: abs(c - 30.0))
        self.assertEqual(tried, [0.3, 1.0, 3.0, 9.0, 27.0, 81.0])
        self.assertEqual(best, 27.0)

    def test_an_optimum_below_the_bottom_edge_is_followed(self):
        tried, best = walk([1.0, 3.0], lambda c: c)
        self.assertEqual(tried, [1.0, 3.0, 1.0 / 3.0, 1.0 / 9.0, 1.0 / 27.0])
        self.assertAlmostEqual(best, 1.0 / 27.0)

    def test_the_walk_stops_when_the_step_beyond_is_worse(self):
        tried, best = walk([1.0, 3.0], lambda c: abs(c - 4.0))
        self.assertEqual(tried, [1.0, 3.0, 9.0])
        self.assertEqual(best, 3.0)


def target(n_classes):
    return types.SimpleNamespace(n_classes=n_classes)


class ManyClassesBaselineTest(unittest.TestCase):
    def order(self, n_classes):
        plan = {"candidates": [
            {"name": "hgb", "model": "hist_gradient_boosting", "features": "base"},
            {"name": "linear", "model": "logistic_regression", "features": "rich"}]}
        S.PLAN = plan
        S.applicable = lambda cand, ctx, infos: None
        S.feature_signature = lambda features, fs: fs
        S.FEATURE_SETS = dict(S.FEATURE_SETS)
        features = types.SimpleNamespace(groups=lambda: {"base"}, texts={}, text_group={}, text_kind={})
        ctx = types.SimpleNamespace(features=features, targets=[target(n_classes)])
        out, _ = S.candidate_list(ctx, [])
        return [c["name"] for c in out]

    def test_few_classes_keep_boosting_first(self):
        self.assertEqual(self.order(5), ["hgb", "linear"])

    def test_many_classes_start_with_the_linear_model(self):
        self.assertEqual(self.order(40), ["linear_base", "hgb", "linear"])


if __name__ == "__main__":
    unittest.main()
