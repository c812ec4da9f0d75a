"""The round page's sharing button: only "on" shares."""

from django.http import QueryDict

from kedja.assessments.forms import SharingForm


def test_only_on_shares_with_the_region():
    assert SharingForm(QueryDict("shares=on")).shares_with_region
    for other in ("shares=off", "shares=ON", ""):
        assert not SharingForm(QueryDict(other)).shares_with_region
