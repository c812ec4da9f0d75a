"""The demo's Kolada part, without network: the full KPI catalogue with the curated STEAM set, and Malmö
following two KPIs whose values come from the recorded responses in kedja/kolada/data/sample/ (see its
SOURCES.md: Malmö is the demo municipality the recordings cover)."""

from pathlib import Path

from django.db import transaction

from kedja.kolada import store
from kedja.kolada.client import FakeTransport, KoladaClient
from kedja.kolada.models import FetchRun, Kpi
from kedja.organisations.models import Country, Organisation
from kedja.organisations.roles import Kind

from .actions import follow_kpi, set_target
from .kolada_sync import comparison_areas, fetch_years
from .models import Indicator, Source
from .tasks import fetch_and_sync

SAMPLE = Path(store.__file__).parent / "data" / "sample"
MUNICIPALITY = "1280"  # Malmö
KPIS = ["N00945", "N21704"]


@transaction.atomic
def build_kolada_demo(people: dict | None = None) -> FetchRun | None:
    store.load_catalogues()
    malmo = Organisation.objects.filter(
        country=Country.SWEDEN, kind=Kind.MUNICIPALITY, code=MUNICIPALITY
    ).first()
    if malmo is None:
        return None
    by = (people or {}).get("region.skane")
    for kpi_id in KPIS:
        kpi = Kpi.objects.get(pk=kpi_id)
        if not Indicator.objects.filter(organisation=malmo, source=Source.KOLADA, kolada_kpi=kpi_id).exists():
            indicator = follow_kpi(malmo, kpi, by=by)
            if kpi_id == "N00945":
                set_target(indicator, target=40.0, target_year=2030, by=by)
    run = FetchRun.objects.create(
        kpi_ids=KPIS, area_codes=comparison_areas(MUNICIPALITY), years=fetch_years(), organisation=malmo
    )
    return fetch_and_sync(run, KoladaClient(transport=FakeTransport(directory=SAMPLE)))
