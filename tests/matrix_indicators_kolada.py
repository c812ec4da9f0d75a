"""Who may reach the Kolada pages (kedja/indicators/urls_kolada.py).

The same people who see Norrby kommun's goals see its Kolada catalogue and its fetch runs; the coordinator,
head of schools and admin (`indicators.change_goals`) follow KPIs and start fetches, the others who see get
403, the partner and the outsider 404. The fetch entry posts without KPIs while Norrby follows none, so the
allowed answer is the redirect back to the catalogue and no request leaves for Kolada (the fetch itself is
tested with recorded responses in kedja/indicators/tests/test_kolada_views.py).
"""

from kedja.kolada.models import FetchRun, Kpi
from tests.matrix_base import Entry, org_of
from tests.matrix_indicators import EDITS, SEES


def a_kpi(w, persona):
    Kpi.objects.get_or_create(id="N15419", defaults={"title": "Elever i åk 9, andel (%)", "curated": True})
    return {"kpi": "N15419"}


def run_of_municipality(w):
    run = FetchRun.objects.create(
        kpi_ids=["N15419"], area_codes=["0299", "0000"], years=[2024], organisation=w.municipality
    )
    return [run.pk]


ENTRIES = {
    "indicators:kolada_catalogue": Entry("get", org_of("municipality"), SEES),
    "indicators:kolada_follow": Entry(
        "post", org_of("municipality"), EDITS, forbidden=SEES - EDITS, ok=302, data=a_kpi
    ),
    "indicators:kolada_fetch": Entry("post", org_of("municipality"), EDITS, forbidden=SEES - EDITS, ok=302),
    "indicators:kolada_run": Entry("get", run_of_municipality, SEES),
}
