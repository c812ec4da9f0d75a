"""The default framework and the items a form offers (frameworks.selectors): one rule for every app."""

import pytest

from kedja.frameworks.access import offered_items_for
from kedja.frameworks.actions import publish_to_region
from kedja.frameworks.factories import make_framework_version
from kedja.frameworks.selectors import (
    DEFAULT_FRAMEWORK_KEY,
    default_framework,
    default_framework_version,
    is_default_framework,
    offered_items,
)
from kedja.organisations.factories import make_member, make_municipality, make_region, make_unit
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db


def test_the_default_is_the_shipped_framework_and_its_latest_published_version():
    make_framework_version(key=DEFAULT_FRAMEWORK_KEY)
    latest = make_framework_version(key=DEFAULT_FRAMEWORK_KEY)
    make_framework_version(key=DEFAULT_FRAMEWORK_KEY, publish=False)  # a draft is never the default
    region = make_region()
    make_framework_version(key=DEFAULT_FRAMEWORK_KEY, owner=region)  # a region's copy is not the shipped one
    assert default_framework() == latest.framework and is_default_framework(latest.framework)
    assert default_framework_version() == latest
    assert default_framework_version([make_municipality(region=make_region())]) == latest


def test_below_a_region_with_its_own_copy_the_copy_is_the_default_version():
    make_framework_version(key=DEFAULT_FRAMEWORK_KEY)
    region = make_region()
    copy = make_framework_version(key=DEFAULT_FRAMEWORK_KEY, owner=region)
    assert not is_default_framework(copy.framework)
    assert default_framework_version([make_municipality(region=region)]) == copy


def test_a_form_offers_the_default_and_what_the_organisations_region_owns_or_offers_in_its_latest_version():
    """The rule kept from the goal form: frameworks owned by the organisation or one above it count as
    well as those a region offered (the initiative form once offered only the latter)."""
    default = make_framework_version(key=DEFAULT_FRAMEWORK_KEY, areas=1, items=1)
    region = make_region()
    municipality = make_municipality(region=region)
    owned = make_framework_version(key="regionens-egna", owner=region, areas=1, items=1)
    old_offer = make_framework_version(key="erbjuden", owner=make_region(), areas=1, items=1)
    publish_to_region(old_offer, region)
    new_offer = make_framework_version(key="erbjuden", owner=old_offer.framework.owner, areas=1, items=2)
    publish_to_region(new_offer, region)
    elsewhere = make_framework_version(key="annan-region", owner=make_region(), areas=1, items=1)
    kept = old_offer.items().first()
    offered = list(offered_items([municipality], keep=[kept.pk]))
    versions = [node.framework_version for node in offered]
    assert versions[0] == default  # the default framework's items first
    assert set(versions) == {default, owned, old_offer, new_offer}
    assert [n for n in offered if n.framework_version == old_offer] == [kept]  # only the item already chosen
    assert elsewhere not in versions
    assert [n.framework_version for n in offered_items([make_municipality(region=make_region())])] == [
        default
    ]


def test_a_form_never_offers_items_of_a_framework_the_person_may_not_see():
    """A principal does not see the municipality's own framework (its page answers 404 to them), so their
    initiative form does not list its items either; the coordinator, who sees it, gets them. An item
    already chosen stays offered, so saving the form never drops someone else's choice."""
    default = make_framework_version(key=DEFAULT_FRAMEWORK_KEY, areas=1, items=1)
    municipality = make_municipality(region=make_region())
    school = make_unit(municipality)
    own = make_framework_version(key="kommunens-egna", owner=municipality, areas=1, items=1)
    principal = make_member(school, Role.PRINCIPAL)
    coordinator = make_member(municipality, Role.MUNICIPAL_COORDINATOR)

    assert {n.framework_version for n in offered_items([school])} == {default, own}  # the rule alone
    assert {n.framework_version for n in offered_items_for(principal, [school])} == {default}
    assert {n.framework_version for n in offered_items_for(coordinator, [municipality])} == {default, own}
    chosen = own.items().first()
    kept = offered_items_for(principal, [school], keep=[chosen.pk])
    assert chosen in list(kept)
