"""Who may see and do what in the mid-term follow-up of students.

Student rows never leave the school unit:
- a teacher sees the rows of the groups they teach or mentor (a teacher membership at the unit, and
  named on the group);
- a principal sees every row of their unit, manages its groups and students, opens rounds, answers the
  unit's analysis and reads the unit's access log;
- nobody else sees a student row — not an organisation admin, not a superuser, not the municipality's
  quality developer or head of schools, not the region. Above the unit, people who lead the organisation
  (organisations.access.visible_organisations from a leading role or as reader) see aggregates only, suppressed.
Seeing rows also needs a second factor in the session; views enforce that with
kedja.accounts.second_factor.second_factor_required — these functions decide on roles only.
Every student row read also goes through followup.reading, which asks these functions again and logs it.
"""

from django.db.models import Q
from django.http import Http404

from kedja.organisations.access import get_or_deny, memberships, require, visible_organisations
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind, Role

from .models import Round, StudentGroup

ROW_ROLES = frozenset({Role.PRINCIPAL, Role.TEACHER})
# Above the unit: those who follow up the schools' quality work (docs/followup.md) — not the STEAM coordinator
# or an organisation admin, whose work does not need students' well-being, even in counts.
AGGREGATE_ROLES = frozenset(
    {Role.HEAD_OF_SCHOOLS, Role.QUALITY_DEVELOPER, Role.REGIONAL_OFFICER, Role.READER}
)


def _roles_at_unit(user, unit: Organisation) -> set[str]:
    return {m.role for m in memberships(user) if m.organisation_id == unit.pk}


def works_with_students(user) -> bool:
    """Does the person hold a role that sees student rows anywhere (so must use a second factor)?"""
    return any(m.role in ROW_ROLES and m.organisation.kind == Kind.SCHOOL_UNIT for m in memberships(user))


def is_principal_of(user, unit: Organisation) -> bool:
    return unit.is_active and unit.kind == Kind.SCHOOL_UNIT and Role.PRINCIPAL in _roles_at_unit(user, unit)


def visible_groups(user, unit: Organisation):
    """Groups whose student rows the person sees: all of the unit for its principal, own groups for a
    teacher of the unit, none otherwise."""
    groups = StudentGroup.objects.filter(school_unit=unit, is_active=True)
    if not unit.is_active or unit.kind != Kind.SCHOOL_UNIT:
        return groups.none()
    roles = _roles_at_unit(user, unit)
    if Role.PRINCIPAL in roles:
        return groups
    if Role.TEACHER in roles:
        return groups.filter(Q(mentor=user) | Q(teachers=user)).distinct()
    return groups.none()


def can_view_group_rows(user, group: StudentGroup) -> bool:
    return visible_groups(user, group.school_unit).filter(pk=group.pk).exists()


def can_edit_group_rows(user, group: StudentGroup) -> bool:
    """Whoever sees a group's rows fills them in: its teachers and mentor, and the principal."""
    return can_view_group_rows(user, group)


def can_write_group_analysis(user, group: StudentGroup) -> bool:
    """The teachers' analysis of a group is written by its teachers and mentor; everyone else who sees the
    group (the principal) reads it."""
    return (
        bool(getattr(user, "pk", None))
        and (group.mentor_id == user.pk or group.teachers.filter(pk=user.pk).exists())
        and can_view_group_rows(user, group)
    )


def can_manage_unit(user, unit: Organisation) -> bool:
    """Groups, students, rounds, the unit's analysis and its access log: the principal."""
    return is_principal_of(user, unit)


def units_with_rows(user) -> list[Organisation]:
    """School units where the person sees at least some student rows (for navigation)."""
    return [
        m.organisation
        for m in memberships(user)
        if m.role in ROW_ROLES and m.organisation.kind == Kind.SCHOOL_UNIT and m.organisation.is_active
    ]


def require_units_with_rows(user) -> list[Organisation]:
    """`units_with_rows`; 404 for a person with none (the page does not exist for them)."""
    units = units_with_rows(user)
    if not units:
        raise Http404()
    return units


def can_view_aggregates(user, org: Organisation) -> bool:
    """Aggregates (counts per level, subject and gender; suppressed outside the unit) of `org` and the
    units below it: the head of schools, quality developer, regional officer or reader at or above it, and
    the principal for their own unit. A teacher sees their groups, not the unit's totals."""
    if not org.is_active or org.kind == Kind.PARTNER:
        return False
    if org.kind == Kind.SCHOOL_UNIT and is_principal_of(user, org):
        return True

    ancestors = set(org.ancestor_ids())
    leads = any(m.role in AGGREGATE_ROLES and m.organisation_id in ancestors for m in memberships(user))
    return leads and visible_organisations(user).filter(pk=org.pk).exists()


def aggregates_leave_unit(user, org: Organisation) -> bool:
    """Are the aggregates the person sees of `org` leaving the unit that owns the data (so suppressed)?
    Only a principal looking at their own unit sees them unsuppressed."""
    return not (org.kind == Kind.SCHOOL_UNIT and is_principal_of(user, org))


QUESTION_ROLES = frozenset({Role.HEAD_OF_SCHOOLS, Role.QUALITY_DEVELOPER})


def can_edit_questions(user, municipality: Organisation) -> bool:
    """The municipality's analysis questions for the follow-up: its quality developer or head of schools
    (at the municipality or an administration of it)."""
    if not municipality.is_active or municipality.kind != Kind.MUNICIPALITY:
        return False
    return any(
        m.role in QUESTION_ROLES
        and m.organisation.is_active
        and (m.organisation_id == municipality.pk or municipality.pk in m.organisation.ancestor_ids())
        for m in memberships(user)
    )


def can_see_questions(user, municipality: Organisation) -> bool:
    """Who may know the question page exists (403 rather than 404 when they may not edit): people who see
    the municipality, and the principals and teachers of its units (they answer the questions)."""
    if not municipality.is_active or municipality.kind != Kind.MUNICIPALITY:
        return False
    if (
        can_edit_questions(user, municipality)
        or visible_organisations(user).filter(pk=municipality.pk).exists()
    ):
        return True
    return any(municipality.pk in unit.ancestor_ids() for unit in units_with_rows(user))


def can_edit_scheme(user, municipality: Organisation) -> bool:
    """Making a new version of the municipality's follow-up scheme: the same people as its questions."""
    return can_edit_questions(user, municipality)


def can_see_scheme(user, municipality: Organisation) -> bool:
    """Reading the scheme (404 for anyone else): the same people as the questions — those who see the
    municipality, and the principals and teachers of its units, who score against its columns."""
    return can_see_questions(user, municipality)


# --- getters for the views: 404 outside what the person sees, 403 without the right ----------------------

AGGREGATE_KINDS = (Kind.REGION, Kind.MUNICIPALITY, Kind.ADMINISTRATION, Kind.SCHOOL_UNIT)


def aggregate_children(user, org: Organisation) -> list[Organisation]:
    """Organisations directly below `org` whose overview the person may open (to go down a level)."""
    children = org.children.filter(is_active=True, kind__in=AGGREGATE_KINDS).order_by("name")
    if org.kind == Kind.SCHOOL_UNIT:  # a principal's own unit: what is below is not theirs to open
        return [child for child in children if can_view_aggregates(user, child)]
    # whoever sees an organisation's aggregates from a leading role above it sees its children's too
    return list(children)


def aggregate_ancestors(user, org: Organisation) -> list[Organisation]:
    """The organisations above `org` whose overview the person may also open (the way back up)."""
    return [o for o in org.ancestors() if can_view_aggregates(user, o)]


def _active(kind):
    return Organisation.objects.filter(kind=kind, is_active=True)


def get_unit_for(user, unit_id) -> Organisation:
    """A school unit's follow-up pages, for its principal. A teacher of the unit: 403; anyone else: 404."""
    return get_or_deny(
        user,
        _active(Kind.SCHOOL_UNIT),
        unit_id,
        sees=lambda u, unit: can_manage_unit(u, unit) or unit in units_with_rows(u),
        perm=can_manage_unit,
    )


def get_aggregate_organisation_for(user, org_id) -> Organisation:
    """An organisation whose aggregates the person reads (a unit's principal, those who lead above it): 404
    outside what they see, 403 for the rest (e.g. a coordinator, whose work does not need students'
    well-being even in counts)."""
    return get_or_deny(
        user,
        visible_organisations(user),
        org_id,
        perm=lambda u, org: org.kind in AGGREGATE_KINDS and can_view_aggregates(u, org),
    )


def get_scheme_municipality_for(user, municipality_id, *, edit: bool = False) -> Organisation:
    """The municipality whose follow-up scheme the person reads (can_see_scheme; 404 otherwise); with
    `edit`, 403 unless they make its new versions."""
    return get_or_deny(
        user,
        _active(Kind.MUNICIPALITY),
        municipality_id,
        sees=can_see_scheme,
        perm=can_edit_scheme if edit else None,
    )


def get_question_municipality_for(user, municipality_id) -> Organisation:
    """The municipality whose analysis questions the person edits: 404 unless they may know the page exists
    (can_see_questions), 403 unless they edit (can_edit_questions)."""
    return get_or_deny(
        user, _active(Kind.MUNICIPALITY), municipality_id, sees=can_see_questions, perm=can_edit_questions
    )


def get_round_and_group(user, round_id, group_id) -> tuple[Round, StudentGroup]:
    """A round and a group of the same unit whose rows the person sees; 404 otherwise — a group's existence
    is never revealed. followup.reading asks again (and logs) before any row is read or written."""
    round_ = get_or_deny(user, Round.objects.select_related("school_unit", "scheme_version"), round_id)
    groups = StudentGroup.objects.select_related("school_unit").filter(school_unit_id=round_.school_unit_id)
    return round_, get_or_deny(user, groups, group_id, sees=can_view_group_rows)


def get_round_for_cells(user, round_id) -> Round:
    """The round of a single cell save (404 if there is none). The row is loaded, checked and logged by
    followup.reading.cell_row, which answers 404 unless the student is in one of the person's groups."""
    return get_or_deny(user, Round.objects.select_related("school_unit", "scheme_version"), round_id)


def require_group_analysis_writer(user, group: StudentGroup) -> None:
    """403 unless the person writes the group's analysis (its teachers and mentor)."""
    require(user, can_write_group_analysis, group)
