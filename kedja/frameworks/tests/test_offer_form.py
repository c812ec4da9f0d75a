"""The region a framework version is offered to: a region, or nothing (the view then refuses with 403)."""

import pytest
from django.http import QueryDict

from kedja.frameworks.forms import OfferForm

pytestmark = pytest.mark.django_db


def test_only_a_region_is_chosen(world):
    assert OfferForm(QueryDict(f"region={world.region.pk}")).region_chosen == world.region
    for other in (str(world.municipality.pk), "", "x", str(2**70)):
        assert OfferForm(QueryDict(f"region={other}")).region_chosen is None
