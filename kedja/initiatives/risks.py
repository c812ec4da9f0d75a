"""Risk flags and robustness of an initiative — computed, never typed (docs/gap-analysis.md, "Robust and
fragile").

- person-dependent: no responsible function and at most one named person (a single named person is a
  person-dependence risk; nobody named and no function means nobody carries it);
- project funding ending soon: project money or an external grant whose funding ends within 12 months
  (or has already ended);
- no evidence base: neither research nor proven experience;
- no follow-up: no indicator or way of following up the effect.
An initiative is robust when it runs on the ordinary budget and is not person-dependent.
An initiative whose period has ended no longer covers anything.
"""

from dataclasses import dataclass
from datetime import date, timedelta

ENDING_SOON = timedelta(days=365)


@dataclass(frozen=True)
class Risks:
    person_dependent: bool
    funding_ending: bool
    no_evidence: bool
    no_follow_up: bool

    @property
    def any(self) -> bool:
        return self.person_dependent or self.funding_ending or self.no_evidence or self.no_follow_up

    def flags(self) -> list[str]:
        return [
            name
            for name in ("person_dependent", "funding_ending", "no_evidence", "no_follow_up")
            if getattr(self, name)
        ]


def person_dependent(*, people: list[str], responsible_function: str) -> bool:
    return not responsible_function.strip() and len([p for p in people if p.strip()]) <= 1


def funding_ending(*, funding: str, funding_ends: date | None, today: date) -> bool:
    return (
        funding in ("project", "grant") and funding_ends is not None and funding_ends <= today + ENDING_SOON
    )


def risks_for(
    *,
    people: list[str],
    responsible_function: str,
    funding: str,
    funding_ends: date | None,
    evidence_base: str,
    follow_up: str,
    today: date,
) -> Risks:
    return Risks(
        person_dependent=person_dependent(people=people, responsible_function=responsible_function),
        funding_ending=funding_ending(funding=funding, funding_ends=funding_ends, today=today),
        no_evidence=evidence_base == "none",
        no_follow_up=not follow_up.strip(),
    )


def is_robust(*, funding: str, people: list[str], responsible_function: str) -> bool:
    return funding == "ordinary" and not person_dependent(
        people=people, responsible_function=responsible_function
    )


def is_active(*, ends: date | None, today: date) -> bool:
    return ends is None or ends >= today


def initiative_risks(initiative, *, today: date) -> Risks:
    return risks_for(
        people=initiative.people(),
        responsible_function=initiative.responsible_function,
        funding=initiative.funding,
        funding_ends=initiative.funding_ends,
        evidence_base=initiative.evidence_base,
        follow_up=initiative.follow_up,
        today=today,
    )
