"""Time-period folds: which periods the rows are grouped by."""
import unittest

import numpy as np
import pandas as pd

from template_loader import load

S = load()


def dates(years, months):
    return pd.Series(pd.to_datetime([f"{y}-{m:02d}-15" for y in years for m in months]))


class PeriodTest(unittest.TestCase):
    def test_three_seasons_are_three_periods(self):
        # mosquito traps: May to October of three years -> one fold per season
        groups = S.period_groups(dates([2007, 2009, 2011], range(5, 11)))
        self.assertEqual(sorted(set(groups)), [2007, 2009, 2011])

    def test_three_years_round_the_year_are_quarters(self):
        groups = S.period_groups(dates([2010, 2011, 2012], range(1, 13)))
        self.assertEqual(len(set(groups)), 12)

    def test_four_years_are_years_and_one_year_is_quarters(self):
        self.assertEqual(len(set(S.period_groups(dates([2010, 2011, 2012, 2013], range(1, 13))))), 4)
        self.assertEqual(len(set(S.period_groups(dates([2012], range(1, 13))))), 4)


if __name__ == "__main__":
    unittest.main()
