"""Plain factories for assessment rounds (tests, demo and benchmarks)."""

from kedja.frameworks.factories import make_framework_version

from .models import Answer, Respondent, RespondentGroup, Round


def make_round(
    municipality, version=None, *, title: str = "Självskattning 2026", by=None, **overrides
) -> Round:
    version = version or make_framework_version()
    values = {"municipality": municipality, "framework_version": version, "title": title, "created_by": by}
    values.update(overrides)
    return Round.objects.create(**values)


def add_respondent(round_: Round, user, group: str = RespondentGroup.EDUCATION) -> Respondent:
    return Respondent.objects.create(round=round_, user=user, group=group)


def answer_all(respondent: Respondent, levels) -> list[Answer]:
    """Answer every item of the round in order with the given levels (cycled); None = don't know."""
    items = list(respondent.round.framework_version.items())
    levels = list(levels)
    out = []
    for i, node in enumerate(items):
        level = levels[i % len(levels)]
        out.append(
            Answer.objects.create(
                respondent=respondent,
                node=node,
                level=level,
                dont_know=level is None,
                evidence=f"Underlag för {node.code}",
            )
        )
    return out
