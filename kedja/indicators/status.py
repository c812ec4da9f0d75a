"""An indicator's status and the checks on an entered value — computed, never typed (docs/indicators.md,
"Status rule"): on track, at risk or off track follows from the values and the target.

The status rule, in order (`status_for`):

1. No values, or no target value and year → no data (nothing to judge against).
2. The latest value has reached the target (at or above it when higher is better, at or below it when
   lower is better) → on track, even before the target year.
3. The latest value is from the target year or later, or the target year has passed (today's year is
   after it), without reaching the target → off track.
4. The required progress is a straight line from the start point to (target year, target). The start point
   is (baseline year, baseline); without a baseline (or its year) it is the first value and its year. The
   expected value at the latest value's year is read off that line (before the start year: the start value).
5. The latest value at or beyond the expected value (within float rounding) → on track.
6. Worse than expected but the recent trend — latest value minus the previous one (the nearest earlier
   year with a value; missing years are skipped; with a single value, the baseline if it is earlier) —
   points towards the target → at risk.
7. Otherwise → off track.

A single value without a baseline is its own start point, so it lies on the line: on track.
"""

import math

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Status(models.TextChoices):
    ON_TRACK = "on_track", gettext_lazy("On track")
    AT_RISK = "at_risk", gettext_lazy("At risk")
    OFF_TRACK = "off_track", gettext_lazy("Off track")
    NO_DATA = "no_data", gettext_lazy("No data")


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _at_or_beyond(value: float, mark: float, sign: int) -> bool:
    """`value` is at `mark` or on its better side (sign +1: higher is better, -1: lower is better)."""
    return _close(value, mark) or sign * (value - mark) > 0


def expected_value(*, start: float, start_year: int, target: float, target_year: int, year: int) -> float:
    """The value the straight line from (start_year, start) to (target_year, target) has at `year`."""
    if target_year <= start_year:
        return target
    share = min(max((year - start_year) / (target_year - start_year), 0.0), 1.0)
    return start + (target - start) * share


def status_for(
    values_by_year: dict[int, float],
    *,
    baseline: float | None,
    baseline_year: int | None,
    target: float | None,
    target_year: int | None,
    direction: str,
    today_year: int,
) -> Status:
    """The indicator's status by the rule in this module's docstring (docs/indicators.md, "Status rule")."""
    if not values_by_year or target is None or target_year is None:
        return Status.NO_DATA
    sign = -1 if direction == "lower_better" else 1
    years = sorted(values_by_year)
    latest_year = years[-1]
    latest = values_by_year[latest_year]
    if _at_or_beyond(latest, target, sign):
        return Status.ON_TRACK
    if latest_year >= target_year or today_year > target_year:
        return Status.OFF_TRACK
    if baseline is not None and baseline_year is not None:
        start, start_year = baseline, baseline_year
    else:
        start, start_year = values_by_year[years[0]], years[0]
    expected = expected_value(
        start=start, start_year=start_year, target=target, target_year=target_year, year=latest_year
    )
    if _at_or_beyond(latest, expected, sign):
        return Status.ON_TRACK
    if len(years) > 1:
        previous = values_by_year[years[-2]]
    elif baseline is not None and baseline_year is not None and baseline_year < latest_year:
        previous = baseline
    else:
        return Status.OFF_TRACK
    return Status.AT_RISK if sign * (latest - previous) > 0 else Status.OFF_TRACK


def default_range(unit: str) -> tuple[float | None, float | None]:
    """The range a unit allows when the indicator sets none: a percent is 0–100, a count is never negative."""
    if unit == "percent":
        return 0.0, 100.0
    if unit == "count":
        return 0.0, None
    return None, None


def value_range(
    unit: str, unit_min: float | None, unit_max: float | None
) -> tuple[float | None, float | None]:
    """The indicator's own range where it sets one, else the unit's default."""
    low, high = default_range(unit)
    return (low if unit_min is None else unit_min), (high if unit_max is None else unit_max)


def check_value(
    value: float, *, unit_min: float | None, unit_max: float | None, period: int, today_year: int
) -> None:
    """Refuse a value outside the unit's range, a value that is not a number, and a period in the future
    (a value is a measurement: it cannot be from a year that has not begun). Raises ValidationError keyed
    by field ("value", "period")."""
    errors = {}
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        errors["value"] = _("The value must be a number.")
    elif unit_min is not None and value < unit_min:
        errors["value"] = _("The value %(value)s is below the lowest possible value, %(min)s.") % {
            "value": f"{value:g}",
            "min": f"{unit_min:g}",
        }
    elif unit_max is not None and value > unit_max:
        errors["value"] = _("The value %(value)s is above the highest possible value, %(max)s.") % {
            "value": f"{value:g}",
            "max": f"{unit_max:g}",
        }
    if period > today_year:
        errors["period"] = _("The year %(year)s has not begun yet.") % {"year": period}
    if errors:
        raise ValidationError(errors)


def indicator_status(indicator, *, today_year: int, totals: dict | None = None) -> Status:
    """The status of a saved indicator, from its total (not gender-split) values by year: `totals` when
    the caller has them (series.counted_totals), else read."""
    values = (
        totals
        if totals is not None
        else dict(indicator.values.filter(gender="total").values_list("period", "value"))
    )
    return status_for(
        values,
        baseline=indicator.baseline_value,
        baseline_year=indicator.baseline_year,
        target=indicator.target_value,
        target_year=indicator.target_year,
        direction=indicator.direction,
        today_year=today_year,
    )
