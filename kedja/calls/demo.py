"""The demo's calls (docs/calls.md, "Moving between the parts, and the demo"): Region Örebro län's officer
(regionutvecklare@) has

- an open call made from the shipped reference template, published through the builder's action and closing
  in about three weeks, with a reviewer (granskare@, a reader at the region), Örebro kommun's draft (partly
  filled in) and Karlskoga kommun's submitted application (the reviewer's scoring started as a draft);
- an earlier round of the same call, closed last month and decided (Örebro and Karlskoga accepted, Laxå on
  the reserve list), whose programme has the template's four meetings moved into the coming months, so the
  programme page and its calendar have content for the organiser and the municipalities' people.

Built with the calls' factories and actions. Idempotent: a call that is already there (by its title) is
left alone. Returns the extra demo login (the reviewer) for the demo command's list."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kedja.accounts.models import User
from kedja.core.identifiers import luhn_ok
from kedja.organisations.demo import DEMO_DOMAIN, DEMO_PASSWORD
from kedja.organisations.models import Country, Membership, Organisation
from kedja.organisations.roles import Kind, Role

from . import actions_builder, actions_programme, actions_review
from .factories import make_application, make_call, make_decision, make_review
from .forms_render import prefill_answers
from .models import Application, Call

REGION_CODE = "18"  # Region Örebro län: the demo municipalities 1880, 1883 and 1860 belong to it
OPEN_TITLE = "Strategiskt stöd för utveckling av matematikundervisningen i grundskolan"
DECIDED_TITLE = "Strategiskt stöd för utveckling av matematikundervisningen i grundskolan – omgång 1"
REVIEWER = ("granskare", "Greta Granskare")

# Karlskoga's and the first round's answers: plausible, invented, in Swedish.
QUESTION_1 = (
    "Kommunen vill delta för att resultaten i matematik i årskurs 6 och 9 har sjunkit tre år i rad och "
    "skillnaderna mellan skolorna ökar. Lärarna efterfrågar stöd i att planera undervisning som bygger på "
    "elevernas resonemang och i att använda bedömningsstöden. Vi har i dag inget sammanhållet "
    "utvecklingsarbete i matematik, bara enstaka insatser på några skolor. Ett deltagande ger oss en "
    "gemensam riktning, nätverk med andra kommuner och stöd från NCM i att ta fram en plan som håller."
)
QUESTION_2 = (
    "Resurspersonerna är två förstelärare i matematik med uppdrag från skolchefen om 20 % av en heltid "
    "vardera under perioden; uppdraget är beslutat i förvaltningens ledningsgrupp. Grundskolechefen äger "
    "den utvecklingsplan som tas fram och den följs upp i det systematiska kvalitetsarbetet två gånger om "
    "året. Styrgruppen träffas varannan månad och rapporterar till barn- och utbildningsnämnden."
)
DRAFT_QUESTION_1 = (
    "Örebro kommun vill delta för att stärka matematikundervisningen i årskurs 4–9. Vi ser att många "
    "elever har svårt med taluppfattning och problemlösning, och att lärarna saknar tid för kollegialt "
    "lärande i ämnet. "
)


def _person(name: str, title: str) -> dict:
    return {"name": name, "title": title}


def demo_org_number(org: Organisation) -> str:
    """The organisation's number, or an invented one of the municipalities' series (212000-…) whose check
    digit is right, for a demo organisation without one."""
    if org.org_number:
        return org.org_number
    base = f"2120001{(org.code or '00')[-2:]}"
    check = next(d for d in "0123456789" if luhn_ok(base + d))
    return f"{base[:6]}-{base[6:]}{check}"


def full_answers(call: Call, org: Organisation, n: int) -> dict:
    """Complete, valid answers of `org` (n varies the invented people)."""
    slug = org.name.split()[0].lower().replace("ö", "o").replace("å", "a").replace("ä", "a")
    return {
        **prefill_answers(call, org),
        "org_number": demo_org_number(org),
        "resource_person_1": _person(
            ["Åsa Öberg", "Mats Lind", "Nora Ek"][n % 3], "Förstelärare i matematik"
        ),
        "resource_person_1_email": f"resurs1@{slug}.example",
        "resource_person_1_phone": f"0{19 + n}-21 10 0{n}",
        "resource_person_2": _person(["Erik Ängström", "Lina Berg", "Omar Haddad"][n % 3], "Lektor"),
        "resource_person_2_email": f"resurs2@{slug}.example",
        "resource_person_2_phone": f"0{19 + n}-21 10 1{n}",
        "head_of_operations": _person(["Karin Holm", "Per Dahl", "Eva Strand"][n % 3], "Grundskolechef"),
        "head_of_operations_phone": f"0{19 + n}-21 10 2{n}",
        "declaration": True,
        "active_plan": "Ja" if n == 2 else "Nej",
        "anchored": "Ja" if n == 1 else "Nej",
        "question_1": QUESTION_1,
        "question_2": QUESTION_2,
    }


def _reviewer(region: Organisation) -> User:
    email = f"{REVIEWER[0]}@{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first() or User(email=email)
    user.full_name, user.is_active = REVIEWER[1], True
    user.set_password(DEMO_PASSWORD)
    user.save()
    Membership.objects.update_or_create(
        user=user, organisation=region, role=Role.READER, defaults={"is_active": True}
    )
    return user


def _local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _scores(call: Call, *values) -> dict:
    return dict(zip(call.criteria.order_by("position", "pk"), values, strict=True))


def _open_call(region, municipalities, officer, reviewer, coordinator) -> None:
    if Call.objects.filter(organiser=region, title=OPEN_TITLE).exists():
        return
    today = timezone.localdate()
    closes = _local(today + timedelta(days=21), time(23, 59))
    call = make_call(
        region,
        by=officer,
        status=Call.Status.DRAFT,
        title=OPEN_TITLE,
        opens_at=_local(today - timedelta(days=7), time(8)),
        closes_at=closes,
        decision_by=today + timedelta(days=25),
        reviewers=[reviewer],
    )
    call = actions_builder.publish_call(call, by=officer)
    orebro, karlskoga = municipalities["1880"], municipalities["1883"]
    draft = prefill_answers(call, orebro)
    draft.update(
        org_number=demo_org_number(orebro),
        resource_person_1=_person("Åsa Öberg", "Förstelärare i matematik"),
        resource_person_1_email="asa.oberg@orebro.example",
        question_1=DRAFT_QUESTION_1,
    )
    make_application(call, orebro, answers=draft, by=coordinator)
    submitted = make_application(call, karlskoga, answers=full_answers(call, karlskoga, 1), submit=True)
    make_review(submitted, reviewer, scores=_scores(call, 4, 3, None), submit=False)


def _decided_call(region, municipalities, officer, reviewer) -> None:
    if Call.objects.filter(organiser=region, title=DECIDED_TITLE).exists():
        return
    today = timezone.localdate()
    closes = _local(today - timedelta(days=35), time(23, 59))
    call = make_call(
        region,
        by=officer,
        title=DECIDED_TITLE,
        opens_at=_local(today - timedelta(days=90), time(8)),
        closes_at=closes,
        decision_by=today - timedelta(days=30),
        reviewers=[reviewer],
    )
    decisions = [
        ("1880", Application.Decision.ACCEPTED, (5, 4, 3), "Saknar en sammanhållen plan; tydligt förankrat."),
        ("1883", Application.Decision.ACCEPTED, (4, 5, 4), "Insatserna är inte förankrade i ledningen."),
        ("1860", Application.Decision.RESERVE, (2, 2, 4), "Reserv: har redan påbörjat ett planarbete."),
    ]
    for n, (code, decision, scores, justification) in enumerate(decisions):
        org = municipalities[code]
        application = make_application(call, org, answers=full_answers(call, org, n), submit=True)
        make_review(application, reviewer, scores=_scores(call, *scores), comment="Välskriven ansökan.")
        make_decision(application, decision, by=officer, justification=justification)
    # No one is e-mailed: the demo's applications were not submitted by a person and no roles are told.
    call = actions_review.publish_decision(call, by=officer, roles=())
    programme = actions_programme.ensure_programme(call)
    actions_programme.fill_from_template(programme, by=officer)
    _move_programme_ahead(programme, officer, today)


def _move_programme_ahead(programme, officer, today: date) -> None:
    """The template's meetings (from 28 August 2026) moved so that the first is two weeks from today."""
    meetings = list(programme.meetings.order_by("position", "pk"))
    first = next((m.date for m in meetings if m.date), None)
    if first is None:
        return
    shift = (today + timedelta(days=14)) - first
    places = ["Örebro, Conventum", "Karlskoga, Folkets hus", ""]
    for i, meeting in enumerate(meetings):
        month = meeting.month + shift if meeting.month else None
        data = {
            "title": meeting.title,
            "date": meeting.date + shift if meeting.date else None,
            "month": month.replace(day=1) if month else None,
            "starts": meeting.starts,
            "ends": meeting.ends,
            "place": places[i] if i < len(places) else meeting.place,
        }
        actions_programme.update_meeting(meeting, data, by=officer, expected_sequence=meeting.sequence)
    programme.refresh_from_db()
    moved = {
        name: getattr(programme, name) + shift
        for name in ("starts", "ends", "deliverable_due")
        if getattr(programme, name)
    }
    actions_programme.update_programme(programme, moved, by=officer, expected_version=programme.version)


@transaction.atomic
def build_calls_demo(people: dict) -> list[tuple[str, str, str]]:
    officer, coordinator = people.get("regionutvecklare"), people.get("samordnare")
    if officer is None or coordinator is None:
        return []
    region = Organisation.objects.get(country=Country.SWEDEN, kind=Kind.REGION, code=REGION_CODE)
    municipalities = {
        org.code: org
        for org in Organisation.objects.filter(
            country=Country.SWEDEN, kind=Kind.MUNICIPALITY, code__in=("1880", "1883", "1860")
        )
    }
    reviewer = _reviewer(region)
    people[REVIEWER[0]] = reviewer
    _open_call(region, municipalities, officer, reviewer, coordinator)
    _decided_call(region, municipalities, officer, reviewer)
    return [
        (reviewer.email, DEMO_PASSWORD, f"{Role(Role.READER).label} – {region}, granskare av utlysningar")
    ]
