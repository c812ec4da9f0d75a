"""The demo world's self-assessments: the shipped frameworks, offered by both demo regions; a closed
2025 round in every municipality of Region Örebro län (all but one shared with the region, so the
region's distribution clears the suppression threshold); and Örebro's open 2026 round, half answered."""

import random

from django.db import transaction

from kedja.accounts.models import User
from kedja.frameworks.actions import load_shipped_frameworks, publish_to_region
from kedja.frameworks.models import Framework
from kedja.organisations.demo import DEMO_DOMAIN
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .models import Answer, Respondent, RespondentGroup, Round

NOT_SHARING = "1860"  # Laxå keeps its result to itself in the demo


def _answer(respondent: Respondent, rng: random.Random, *, share_answered: float = 1.0) -> None:
    items = list(respondent.round.framework_version.items())
    for node in items[: int(len(items) * share_answered)]:
        area = int(node.area_code) if node.area_code.isdigit() else 0
        level = min(4, max(0, round(rng.gauss(1.6 + (area % 3) * 0.5, 0.9))))
        dont_know = rng.random() < 0.05
        Answer.objects.update_or_create(
            respondent=respondent,
            node=node,
            defaults={
                "level": None if dont_know else level,
                "dont_know": dont_know,
                "evidence": "" if dont_know else "Beskrivet i verksamhetsplanen och uppföljt i nämnden.",
                "responsible_function": "Utbildningsförvaltningen",
            },
        )


def _respondent_user(municipality: Organisation, n: int) -> User:
    email = f"svar{n}.{municipality.code}@{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, full_name=f"Svarande {n}, {municipality.name}")
    return user


@transaction.atomic
def build_assessment_demo(people: dict[str, User]) -> None:
    load_shipped_frameworks()
    version = Framework.objects.get(owner=None, key="steam-municipal").latest_published()
    orebro_lan = Organisation.objects.get(kind=Kind.REGION, country="SE", code="18")
    skane = Organisation.objects.get(kind=Kind.REGION, country="SE", code="12")
    for region in (orebro_lan, skane):
        publish_to_region(version, region, by=people.get("regionutvecklare"))
    for municipality in Organisation.objects.filter(parent=orebro_lan, kind=Kind.MUNICIPALITY).order_by(
        "code"
    ):
        rng = random.Random(int(municipality.code))  # noqa: S311 - demo data, not security
        round_, created = Round.objects.get_or_create(
            municipality=municipality,
            framework_version=version,
            title="Självskattning 2025",
            defaults={"status": Round.Status.CLOSED, "shares_with_region": municipality.code != NOT_SHARING},
        )
        if created:
            Round.objects.filter(pk=round_.pk).update(opened_at=round_.opened_at.replace(year=2025))
            for n, group in enumerate(
                (RespondentGroup.EDUCATION, RespondentGroup.BUSINESS, RespondentGroup.CULTURE), 1
            ):
                respondent = Respondent.objects.create(
                    round=round_, user=_respondent_user(municipality, n), group=group
                )
                _answer(respondent, rng)
    orebro = Organisation.objects.get(kind=Kind.MUNICIPALITY, country="SE", code="1880")
    current, created = Round.objects.get_or_create(
        municipality=orebro,
        framework_version=version,
        title="Självskattning 2026",
        defaults={"shares_with_region": True, "created_by": people.get("samordnare")},
    )
    if created:
        rng = random.Random(2026)  # noqa: S311
        for key, group in (
            ("samordnare", RespondentGroup.EDUCATION),
            ("skolchef", RespondentGroup.SCHOOL_LEADERS),
            ("kvalitet", RespondentGroup.EDUCATION),
        ):
            respondent = Respondent.objects.create(round=current, user=people[key], group=group)
            if key == "skolchef":
                _answer(respondent, rng, share_answered=0.6)
