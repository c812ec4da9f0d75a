"""The Kolada catalogue's forms and the transitions chain's form: what the views get from a post."""

from django.core.exceptions import ValidationError
from django.http import QueryDict

from kedja.indicators.forms_kolada import FetchForm, FollowKpiForm
from kedja.indicators.forms_transitions import ChainForm
from kedja.indicators.transitions import default_steps


def test_following_reads_the_kpi_in_capitals_and_keeps_the_search():
    values = FollowKpiForm(QueryDict("kpi=+n15419+&goal=12&q=matte&scope=&page=2")).values
    assert values["kpi"] == "N15419" and values["goal"] == "12"
    assert {k: values[k] for k in ("q", "scope", "area", "page")} == {
        "q": "matte",
        "scope": "",
        "area": "",
        "page": "2",
    }
    assert FollowKpiForm(QueryDict("kpi=" + "n" * 40)).values["kpi"] == "N" * 16


def test_fetching_reads_every_typed_id_in_capitals_without_the_empty_ones():
    assert FetchForm(QueryDict("kpi=n15419&kpi=+&kpi=u15011+")).asked() == ["N15419", "U15011"]
    assert FetchForm(QueryDict("")).asked() == []


def test_the_chain_form_tells_reset_from_save_and_puts_refusals_beside_the_step():
    steps = default_steps()
    data = {f"kpi_{s.key}": s.kpi for s in steps} | {"version": "0"}
    reset = ChainForm(data | {"action": "reset"}, steps=steps)
    assert reset.is_valid() and reset.resets
    form = ChainForm(data, steps=steps)
    assert form.is_valid() and not form.resets and form.version_of(None) == 0
    form.refuse(ValidationError({steps[0].key: "Unknown KPI.", "other": "Something else."}))
    assert form.errors[f"kpi_{steps[0].key}"] == ["Unknown KPI."] and form.non_field_errors() == [
        "Something else."
    ]
