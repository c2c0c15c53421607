"""Metrics and the decisions tuned on out-of-fold predictions."""
import unittest

import numpy as np

from template_loader import load

S = load()


class RegressionMetricTest(unittest.TestCase):
    def test_each_regression_metric_scores_a_known_case(self):
        y = np.array([1.0, 2.0, 3.0, 4.0])
        v = np.array([1.0, 2.0, 3.0, 8.0])
        self.assertAlmostEqual(S.regression_score("mae", y, v), 1.0)
        self.assertAlmostEqual(S.regression_score("medae", y, v), 0.0)
        self.assertAlmostEqual(S.regression_score("rmse", y, v), 2.0)
        self.assertAlmostEqual(S.regression_score("mse", y, v), 4.0)
        self.assertAlmostEqual(S.regression_score("wmae", y, v, np.array([1, 1, 1, 5.0])), 20 / 8)
        self.assertAlmostEqual(S.regression_score("r2", y, y), 1.0)
        self.assertAlmostEqual(S.regression_score("pearson", y, 2 * y + 1), 1.0)
        self.assertAlmostEqual(S.regression_score("smape", y, y), 0.0)
        self.assertAlmostEqual(S.regression_score("rmse_log", np.e * np.ones(2), np.ones(2)), 1.0)

    def test_a_constant_has_no_correlation(self):
        self.assertEqual(S.regression_score("pearson", np.array([1.0, 2.0, 3.0]), np.ones(3)), 0.0)


class ClassificationMetricTest(unittest.TestCase):
    def test_map_at_3_gives_partial_credit_by_rank(self):
        y = np.array([0, 1, 2])
        proba = np.array([[0.6, 0.3, 0.1],   # right first: 1
                          [0.6, 0.3, 0.1],   # right second: 1/2
                          [0.6, 0.3, 0.1]])  # right third: 1/3
        self.assertAlmostEqual(S.average_precision_at_k(y, proba, 3), (1 + 0.5 + 1 / 3) / 3)

    def test_quadratic_kappa_is_one_when_perfect_and_zero_for_a_constant(self):
        y = np.array([0, 1, 2, 3, 1, 2])
        self.assertAlmostEqual(S.quadratic_kappa(y, y, 4), 1.0)
        self.assertAlmostEqual(S.quadratic_kappa(y, np.ones(6, dtype=int), 4), 0.0)

    def test_f1_of_the_positive_class(self):
        self.assertAlmostEqual(S.f1_binary(np.array([1, 1, 0, 0]), np.array([1, 0, 1, 0])), 0.5)


class DecisionTest(unittest.TestCase):
    def test_snapping_to_frequent_values_is_kept_only_when_it_helps(self):
        class T:  # a regression target whose values are steps of 0.5
            y_raw = np.repeat([2.0, 2.5, 3.0, 5.5, 6.0], 40)
        d = S.Decision("medae")
        rows = np.arange(200)
        noisy = T.y_raw + np.random.RandomState(0).normal(0, 0.1, 200)
        d.tune_values(T, rows, noisy)
        self.assertIsNotNone(d.snap)
        self.assertLess(S.regression_score("medae", T.y_raw, d.adjust(noisy)),
                        S.regression_score("medae", T.y_raw, noisy))
        d = S.Decision("rmse")
        d.tune_values(T, rows, noisy)
        self.assertIsNone(d.snap)  # not a median-type metric

    def test_the_f1_threshold_moves_to_where_f1_is_best(self):
        class T:
            n_classes, positive = 2, 1
        y = np.array([1] * 30 + [0] * 70)
        p1 = np.r_[np.full(30, 0.35), np.full(70, 0.2)]
        d = S.Decision("f1")
        d.tune(T, y, np.c_[1 - p1, p1])
        self.assertLess(d.threshold, 0.35 + 1e-9)
        self.assertTrue((d.labels(T, np.c_[1 - p1, p1]) == y).all())


class FoldScoreTest(unittest.TestCase):
    def test_a_fold_is_scored_with_its_own_decision_not_the_last_one_tuned(self):
        class T:
            n_classes, positive = 2, 1
            y = np.array([1] * 30 + [0] * 70)
            spec = {}

            @staticmethod
            def single_column_of_many():
                return False

        class Ctx:
            metric = "f1"
            targets = [T]
            scoring = S.Scoring("f1", [T], S.Decision("f1"))

            def set_decision(self, d):
                for part in self.scoring.parts:
                    part.decision = d
        ctx = Ctx()
        p1 = np.r_[np.full(30, 0.35), np.full(70, 0.2)]
        preds = [np.c_[1 - p1, p1]]
        rows = np.arange(100)
        clean = S.fold_score(ctx, rows, preds)
        stale = S.Decision("f1")
        stale.threshold = 0.01  # as a constant's tuning leaves it: everything positive
        ctx.set_decision(stale)
        self.assertAlmostEqual(S.fold_score(ctx, rows, preds), clean)
        self.assertAlmostEqual(clean, 1.0)


if __name__ == "__main__":
    unittest.main()
