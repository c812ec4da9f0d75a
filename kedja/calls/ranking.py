"""The organiser's ranking of a call's submitted applications (docs/calls.md, "The organiser's ranking and
decision"), as plain functions the views, the decision summary (PDF), the Excel export and the tests share.

Per application: each reviewer's weighted score (rules.weighted_score: Σ weight·score / Σ weight·max, as a
share 0–100) from submitted reviews only, their mean, the spread between reviewers (highest − lowest,
flagged from SPREAD_FLAG points), reviews done of those assigned, conflicts declared, and criteria signals
from the applicant's explicit answers to choice fields, by rules that are data (data/review_flags.yaml, per
call template; see `flag_rules`).
"""

import statistics
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from kedja.core.texts import pick

from .conflicts import membership_conflicts
from .models import Application, Call, Criterion, FieldKind, Review
from .rules import weighted_score

SPREAD_FLAG = 20.0  # points of 100 between the highest and lowest reviewer: worth a conversation
FLAGS_FILE = Path(__file__).parent / "data" / "review_flags.yaml"


# --- flags from answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagRule:
    """A signal shown when the applicant's explicit answer to the choice field `field` is one of `values`.
    Never guessed from free text: "Vi saknar i dag en sammanhållen utvecklingsplan" contains the words of
    "has a plan" and means the opposite."""

    field: str
    label: dict | str
    values: tuple[str, ...] = ()

    def matches(self, answers: dict) -> bool:
        answer = answers.get(self.field)
        if answer in (None, "", [], {}):
            return False
        texts = [str(a) for a in answer] if isinstance(answer, list) else [str(answer)]
        wanted = {v.casefold() for v in self.values}
        return any(t.strip().casefold() in wanted for t in texts)


class FlagRuleError(ValueError):
    """A rule in review_flags.yaml that does not read an explicit answer."""


@cache
def _all_rules() -> dict:
    with FLAGS_FILE.open(encoding="utf-8") as fh:
        rules = yaml.safe_load(fh) or {}
    for key, items in rules.items():
        for r in items:
            if "keywords" in r or not r.get("values"):
                raise FlagRuleError(f"{key}: the flag on {r.get('field')!r} must name the answers (values)")
    return rules


def flag_rules(call: Call) -> list[FlagRule]:
    """The flag rules of the call's template whose field is still a choice field of the call (none for a
    call made without a template): a field the organiser turned into free text gives no signal."""
    choice_keys = set(call.fields.filter(kind=FieldKind.CHOICE).values_list("key", flat=True))
    return [
        FlagRule(field=r["field"], label=r["label"], values=tuple(r["values"]))
        for r in _all_rules().get(call.template_key or "", [])
        if r["field"] in choice_keys
    ]


def flags_for(answers: dict, rules: list[FlagRule]) -> list[str]:
    """The labels (in the reader's language) of the rules that match, each once, in rule order."""
    labels: list[str] = []
    for rule in rules:
        label = pick(rule.label)
        if label not in labels and rule.matches(answers or {}):
            labels.append(label)
    return labels


# --- the ranking ---------------------------------------------------------------------------------------


@dataclass
class RankingRow:
    application: Application
    scores: dict[int, float | None] = field(default_factory=dict)  # reviewer id → weighted score
    done: int = 0
    assigned: int = 0
    conflicts: int = 0
    flags: list[str] = field(default_factory=list)
    # reviewers in conflict by membership (calls.access.membership_conflict): (reviewer, their organisation)
    member_conflicts: list = field(default_factory=list)

    @property
    def given(self) -> list[float]:
        return [s for s in self.scores.values() if s is not None]

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.given), 1) if self.given else None

    @property
    def spread(self) -> float | None:
        return round(max(self.given) - min(self.given), 1) if len(self.given) > 1 else None

    @property
    def spread_flagged(self) -> bool:
        return self.spread is not None and self.spread >= SPREAD_FLAG


def review_score(review: Review, criteria: list[Criterion]) -> float | None:
    """One submitted review's weighted score (None for a conflict or a review not submitted)."""
    if review.conflict or review.submitted_at is None:
        return None
    return weighted_score(
        {s.criterion_id: s.score for s in review.scores.all()},
        {c.pk: c.weight for c in criteria},
        {c.pk: c.max_score for c in criteria},
    )


def ranking(call: Call, *, sort: str = "") -> list[RankingRow]:
    """One row per submitted application of the call. `sort`: "mean" (highest first), "-mean" (lowest
    first; applications without a mean last either way) or "" (in the order received)."""
    criteria = list(call.criteria.all())
    reviewers = list(call.reviewers.order_by("full_name", "email"))
    reviewer_ids = [r.pk for r in reviewers]
    by_membership = membership_conflicts(call, reviewers)
    rules = flag_rules(call)
    applications = (
        call.applications.filter(status=Application.Status.SUBMITTED)
        .select_related("organisation", "decided_by")
        .prefetch_related("reviews__scores")
        .order_by("submitted_at", "pk")
    )
    rows = []
    for application in applications:
        reviews = {r.reviewer_id: r for r in application.reviews.all()}
        row = RankingRow(application, assigned=len(reviewer_ids), flags=flags_for(application.answers, rules))
        in_conflict = by_membership.get(application.pk, {})
        row.member_conflicts = [(r, in_conflict[r.pk]) for r in reviewers if r.pk in in_conflict]
        for reviewer_id in reviewer_ids:
            review = reviews.get(reviewer_id)
            row.scores[reviewer_id] = review_score(review, criteria) if review else None
            if reviewer_id in in_conflict:  # belongs to the applicant: in conflict whatever was declared
                row.scores[reviewer_id] = None
                row.conflicts += 1
            elif review and review.conflict:
                row.conflicts += 1
            elif review and review.submitted_at:
                row.done += 1
        rows.append(row)
    if sort in ("mean", "-mean"):
        with_mean = [r for r in rows if r.mean is not None]
        without = [r for r in rows if r.mean is None]
        with_mean.sort(key=lambda r: r.mean, reverse=sort == "mean")
        rows = with_mean + without
    return rows
