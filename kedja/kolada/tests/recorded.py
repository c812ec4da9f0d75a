"""Helpers over the recorded Kolada responses in tests/data/ (real shapes; see data/SOURCES.md)."""

import copy
import json
from pathlib import Path

DATA = Path(__file__).parent / "data"
NESTED = "v3_data_N21704_year2023_omsorgsradar_fixture.json"
FLAT = "v3_data_N00945_flattened_rows_rkolada_sysdata_2026-03-23.json"
KPIS = "v3_kpi_values_steam_subset_rkolada_sysdata_2026-03-23.json"
MUNICIPALITIES = "v3_municipality_values_rkolada_sysdata_2026-03-23.json"


def load(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def two_pages(base_url: str) -> dict[str, dict]:
    """DERIVED, not recorded: the recorded N21704 response split after its second municipality into two
    pages linked by `next_url`, as v3 paginates (docs/indicators.md, "Pages and limits"). Values are
    untouched."""
    recorded = load(NESTED)["values"]
    first_url = f"{base_url}/data/kpi/N21704/municipality/0180,0580,1280,1480,2480/year/2023"
    second_url = (
        f"{base_url}/data/kpi/N21704/municipality/0180,0580,1280,1480,2480/year/2023?page=2&per_page=2"
    )
    return {
        first_url: {"values": recorded[:2], "count": 2, "next_url": second_url, "previous_url": None},
        second_url: {
            "values": recorded[2:],
            "count": len(recorded) - 2,
            "next_url": None,
            "previous_url": first_url,
        },
    }


def with_missing_values() -> dict:
    """DERIVED, not recorded: the recorded N21704 response with Stockholm's K value set to null (Kolada's
    missing value, docs/indicators.md "Values") and Malmö's M value flagged isdeleted."""
    payload = copy.deepcopy(load(NESTED))
    for obj in payload["values"]:
        for v in obj["values"]:
            if obj["municipality"] == "0180" and v["gender"] == "K":
                v["value"] = None
            if obj["municipality"] == "1280" and v["gender"] == "M":
                v["isdeleted"] = True
    return payload
