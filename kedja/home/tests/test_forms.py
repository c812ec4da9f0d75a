"""The organisation switcher's form."""

from django.http import QueryDict

from kedja.home.forms import SwitchForm


def test_the_switcher_needs_a_whole_number_and_keeps_the_page_to_return_to():
    form = SwitchForm(QueryDict("membership=12&next=/plans/3/"))
    assert form.is_valid() and form.cleaned_data == {"membership": 12, "next": "/plans/3/"}
    for bad in ("", "membership=", "membership=x", "membership=1e3"):
        assert not SwitchForm(QueryDict(bad)).is_valid()
