"""Aggregation rules as plain functions (docs/domain.md, "Frameworks and self-assessment";
docs/privacy.md)."""

import pytest

from kedja.assessments.results import area_level, item_stat, median, region_distribution


def test_median_and_spread_of_levels():
    stat = item_stat([1, 3, 2, 4])
    assert stat.median == 2.5
    assert (stat.low, stat.high, stat.spread) == (1, 4, 3)
    assert stat.counts == (0, 1, 1, 1, 1)
    assert stat.n == 4


def test_disagreement_is_a_spread_of_two_or_more():
    assert not item_stat([2, 3, 3]).disagreement
    assert item_stat([1, 3]).disagreement
    assert not item_stat([4]).disagreement


def test_dont_know_is_counted_but_not_averaged():
    stat = item_stat([2, None, 2], dont_know=1)
    assert stat.n == 2 and stat.dont_know == 1 and stat.median == 2


def test_no_levels_means_no_median():
    stat = item_stat([], dont_know=3)
    assert stat.median is None and stat.spread is None and not stat.disagreement


def test_levels_outside_the_scale_are_refused():
    with pytest.raises(ValueError):
        item_stat([5])


def test_area_level_is_the_median_of_item_medians_ignoring_unanswered():
    assert area_level([1, 2, None, 4]) == 2
    assert area_level([None, None]) is None
    assert median([]) is None


def test_region_distribution_is_suppressed_below_the_threshold():
    few = region_distribution([1, 2, 3], threshold=10)
    assert few.suppressed and few.n == 3 and few.counts == (0, 0, 0, 0, 0) and few.median is None


def test_region_distribution_counts_rounded_levels_at_the_threshold():
    levels = [0, 0.5, 1, 1.4, 2, 2.5, 3, 3.5, 4, 4]
    d = region_distribution(levels, threshold=10)
    assert not d.suppressed and d.n == 10
    assert d.counts == (1, 3, 1, 2, 3)
    assert sum(d.counts) == 10
    assert d.median == 2.25


def test_region_distribution_threshold_comes_from_settings(settings):
    settings.KEDJA_SUPPRESSION_THRESHOLD = 3
    assert not region_distribution([1, 2, 3]).suppressed
    assert region_distribution([1, 2]).suppressed
