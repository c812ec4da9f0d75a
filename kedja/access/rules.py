"""Object permissions as `rules` predicates, so `user.has_perm(name, obj)` and `{% has_perm %}` in templates
answer from the same functions as the querysets in policy.py."""

import rules

from . import assessments as assessment_policy
from . import indicators as indicator_policy
from . import initiatives as initiative_policy
from . import policy


@rules.predicate
def views_organisation(user, org):
    return org is not None and policy.can_view_organisation(user, org)


@rules.predicate
def views_members(user, org):
    return org is not None and policy.can_view_members(user, org)


@rules.predicate
def manages_members(user, org):
    return org is not None and policy.can_manage_members(user, org)


@rules.predicate
def changes_organisation(user, org):
    return org is not None and policy.can_change_organisation(user, org)


rules.add_perm("organisations.view_organisation", views_organisation)
rules.add_perm("organisations.view_members", views_members)
rules.add_perm("organisations.manage_members", manages_members)
rules.add_perm("organisations.change_organisation", changes_organisation)


@rules.predicate
def edits_framework(user, framework):
    return framework is not None and assessment_policy.can_edit_framework(user, framework)


@rules.predicate
def views_result(user, round_):
    return round_ is not None and assessment_policy.can_view_result(user, round_)


@rules.predicate
def manages_round(user, round_):
    return round_ is not None and assessment_policy.can_manage_round(user, round_)


@rules.predicate
def answers_round(user, round_):
    return round_ is not None and assessment_policy.can_answer(user, round_)


@rules.predicate
def runs_rounds(user, municipality):
    return municipality is not None and assessment_policy.can_run_rounds(user, municipality)


@rules.predicate
def views_region_results(user, region):
    return region is not None and assessment_policy.can_view_region_results(user, region)


@rules.predicate
def offers_to_region(user, region):
    return region is not None and assessment_policy.can_offer_to_region(user, region)


rules.add_perm("frameworks.change_framework", edits_framework)
rules.add_perm("assessments.view_result", views_result)
rules.add_perm("assessments.manage_round", manages_round)
rules.add_perm("assessments.answer_round", answers_round)
rules.add_perm("assessments.run_rounds", runs_rounds)
rules.add_perm("assessments.view_region_results", views_region_results)
rules.add_perm("frameworks.offer_to_region", offers_to_region)


@rules.predicate
def edits_initiative(user, initiative):
    return initiative is not None and initiative_policy.can_edit_initiative(user, initiative)


@rules.predicate
def views_municipality_gaps(user, municipality):
    return municipality is not None and initiative_policy.can_view_municipality_gaps(user, municipality)


@rules.predicate
def views_region_gaps(user, region):
    return region is not None and initiative_policy.can_view_region_gaps(user, region)


rules.add_perm("initiatives.change_initiative", edits_initiative)
rules.add_perm("initiatives.view_gaps", views_municipality_gaps)
rules.add_perm("initiatives.view_region_gaps", views_region_gaps)


@rules.predicate
def edits_goals(user, org):
    """`org`: the organisation whose goals and indicators are edited (an Indicator or Goal: its organisation)."""
    org = getattr(org, "organisation", org)
    return org is not None and indicator_policy.can_edit_goals(user, org)


rules.add_perm("indicators.change_goals", edits_goals)


@rules.predicate
def edits_plan(user, org):
    """`org`: the organisation whose action plan is changed (an Action or PlanVersion: its organisation)."""
    from . import plans as plan_policy

    org = getattr(org, "organisation", org)
    return org is not None and plan_policy.can_edit_plan(user, org)


@rules.predicate
def views_plan(user, org):
    from . import plans as plan_policy

    org = getattr(org, "organisation", org)
    return org is not None and plan_policy.can_view_plan_of(user, org)


rules.add_perm("plans.change_plan", edits_plan)
rules.add_perm("plans.view_plan", views_plan)


@rules.predicate
def delivers_for(user, participant):
    """The people who upload a participant organisation's deliverable: an applicant role (coordinator, head of
    schools, quality developer, admin) at the organisation or below it, once the decision is published."""
    from . import calls as call_policy

    if participant is None or participant.programme.call.status != "decided":
        return False
    path = participant.organisation.path
    return any(
        m.role in call_policy.APPLICANT_ROLES and m.organisation.path.startswith(path)
        for m in policy.memberships(user)
    )


rules.add_perm("calls.deliver", delivers_for)
