"""The scheme's rules as plain functions (docs/domain.md, "Student follow-up"): which columns a version has, a
row's weighted sum, the level the sum falls in, and whether a score may be stored. Views, imports, exports and
benchmarks all compute through these, so the grid, the unit view and an aggregate can never disagree."""

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kedja.core.texts import pick

from .models import Level, SchemeVersion, Term

DATA = Path(__file__).parent / "data"
DEFAULT_SCHEME = DATA / "default_scheme.yaml"
DEFAULT_QUESTIONS = DATA / "default_questions.yaml"


WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def parse_score(raw, low: int, high: int) -> int | None:
    """The one rule for what may be stored in a grid cell, whether typed, pasted, imported from a sheet or
    sent by the form without JavaScript: nothing (None) for an empty cell; otherwise exactly the whole number
    written, from `low` to `high`. Anything else — "-1", "12", "2.5", "5x", "+2", "1 2" — is refused with a
    ValidationError whose message is shown beside the cell, and is never turned into another value. A number
    cell of a spreadsheet may hold 2 or 2.0; 2.5 is refused like the text "2.5"."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if not WHOLE_NUMBER.fullmatch(text):
        raise ValidationError(
            _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            code="not_a_number",
        )
    # A number longer than any scale (even thousands of digits) is outside it, never a server error.
    value = int(text) if len(text.lstrip("0")) <= 9 else None
    if value is None or not low <= value <= high:
        shown = text if len(text) <= 12 else f"{text[:12]}…"
        raise ValidationError(
            _("%(value)s is outside the scale: enter %(low)s–%(high)s.")
            % {"value": shown, "low": low, "high": high},
            code="out_of_range",
        )
    return value


@dataclass(frozen=True)
class Column:
    code: str
    group: str
    name: dict
    help: dict
    weight: float = 1
    subject: bool = False

    @property
    def label(self) -> str:
        return pick(self.name)

    @property
    def help_text(self) -> str:
        return pick(self.help)


@dataclass(frozen=True)
class ColumnGroup:
    code: str
    name: dict
    columns: tuple[Column, ...]

    @property
    def label(self) -> str:
        return pick(self.name)


class Layout:
    """A scheme version read once: its groups and columns in order, range and thresholds."""

    def __init__(self, version: SchemeVersion):
        self.version = version
        self.score_min = version.score_min
        self.score_max = version.score_max
        self.thresholds = (
            (Level.RED, version.red_from),
            (Level.ORANGE, version.orange_from),
            (Level.YELLOW, version.yellow_from),
        )
        self.groups = tuple(
            ColumnGroup(
                g["code"],
                g.get("name", {}),
                tuple(
                    Column(
                        c["code"],
                        g["code"],
                        c.get("name", {}),
                        c.get("help", {}),
                        float(c.get("weight", 1)),
                        bool(c.get("subject", False)),
                    )
                    for c in g["columns"]
                ),
            )
            for g in version.definition["groups"]
        )

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        return tuple(c for g in self.groups for c in g.columns)

    @cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.columns)

    @cached_property
    def subjects(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.subject)

    @cached_property
    def weights(self) -> dict[str, float]:
        return {c.code: c.weight for c in self.columns}

    def row_sum(self, scores: dict[str, int]) -> float:
        """Weighted sum of the scored columns; unknown codes (from an older layout) do not count."""
        weights = self.weights
        total = sum(weights[code] * value for code, value in scores.items() if code in weights)
        return int(total) if float(total).is_integer() else round(total, 1)

    def missing(self, scores: dict) -> int:
        """How many of the layout's columns have no score in the row."""
        return len(self.codes.difference(scores))

    def row_level(self, scores: dict, total: float | None = None) -> str:
        """The row's level — only when every column is scored; otherwise Level.NOT_ASSESSED: a partly filled
        row is never shown as green (or any level)."""
        if self.missing(scores):
            return Level.NOT_ASSESSED
        return self.level(self.row_sum(scores) if total is None else total)

    def level(self, total: float) -> str:
        for level, threshold in self.thresholds:
            if total >= threshold:
                return level
        return Level.GREEN

    def check_score(self, code: str, raw) -> int | None:
        """The score to store for what was typed in a cell: None for an empty cell; ValidationError with a
        message for the person typing it otherwise."""
        if code not in self.codes:
            raise ValidationError(_("This column is not part of the round's scheme."), code="column")
        return parse_score(raw, self.score_min, self.score_max)


def check_definition(definition: dict) -> None:
    """Refuse a scheme definition the grid could not show: no groups, a group without columns, a column
    without a code or with a code used twice, a weight that is not a positive number."""
    groups = definition.get("groups") if isinstance(definition, dict) else None
    if not groups:
        raise ValidationError(_("A scheme needs at least one column group."))
    seen: set[str] = set()
    for group in groups:
        if not group.get("code") or not group.get("columns"):
            raise ValidationError(_("Every column group needs a code and at least one column."))
        for column in group["columns"]:
            code = column.get("code")
            if not code:
                raise ValidationError(_("Every column needs a code."))
            if code in seen:
                raise ValidationError(_("The column code %(code)s is used twice.") % {"code": code})
            seen.add(code)
            weight = column.get("weight", 1)
            if not isinstance(weight, (int, float)) or weight <= 0:
                raise ValidationError(_("The weight of %(code)s must be a positive number.") % {"code": code})


def default_scheme_data() -> dict:
    return yaml.safe_load(DEFAULT_SCHEME.read_text(encoding="utf-8"))


def default_questions() -> dict[str, list[dict]]:
    return yaml.safe_load(DEFAULT_QUESTIONS.read_text(encoding="utf-8"))


def term_end(term: str, year: int) -> date:
    """Spring term ends 30 June, autumn term 31 December — the dates retention counts from."""
    return date(year, 6, 30) if term == Term.SPRING else date(year, 12, 31)


def delete_after(term: str, year: int, months: int) -> date:
    end = term_end(term, year)
    month_index = end.month - 1 + months
    y, m = end.year + month_index // 12, month_index % 12 + 1
    # The last day of that month (both term ends fall on a month's last day).
    next_month = date(y + (m == 12), m % 12 + 1, 1)
    return date.fromordinal(next_month.toordinal() - 1)


def highest_possible_sum(score_max: int, weights) -> float:
    """The largest weighted sum a row can reach: every column at the highest score (the lowest is 0).
    With the default scheme, 3 × 33 columns of weight 1 = 99 (the source sheet states 78)."""
    total = score_max * sum(weights)
    return int(total) if float(total).is_integer() else round(total, 1)
