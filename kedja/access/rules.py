"""Object permissions as `rules` predicates, so `user.has_perm(name, obj)` and `{% has_perm %}` in templates
answer from the same functions as the querysets in policy.py."""

import rules

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
