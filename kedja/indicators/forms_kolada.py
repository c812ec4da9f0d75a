"""The Kolada catalogue's forms (views_kolada.py): following a KPI, and fetching values now."""

from django import forms

from kedja.core.forms import TextListField


class FollowKpiForm(forms.Form):
    """The KPI to follow, the goal it is followed for (optional) and the catalogue's search (q, scope,
    area, page), kept so the person returns to the same search. Unknown KPIs and goals are the view's messages."""

    kpi = forms.CharField(required=False)
    goal = forms.CharField(required=False)
    q = forms.CharField(required=False, strip=False)
    scope = forms.CharField(required=False, strip=False)
    area = forms.CharField(required=False, strip=False)
    page = forms.CharField(required=False, strip=False)

    def clean_kpi(self) -> str:
        return self.cleaned_data["kpi"].upper()[:16]

    @property
    def values(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class FetchForm(forms.Form):
    """The KPI ids typed for a fetch (none: every KPI the organisation follows); checked by the view."""

    kpi = TextListField(required=False)

    def asked(self) -> list[str]:
        ids = self.cleaned_data["kpi"] if self.is_valid() else []
        return [k.strip().upper() for k in ids if k.strip()]
