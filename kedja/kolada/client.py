"""A small Kolada v3 client over a pluggable transport (`transport(url, params) -> dict`).

Facts from shared/reference/kolada_api.md: base https://api.kolada.se/v3/ (§1); envelope `values`/`count`/
`next_url`, v2 and one client say `next_page`, so both are followed (§2); at most 25 ids per comma-separated
parameter (§2); data path /data/kpi/{K}/municipality/{M}/year/{Y} (§4.1); values nested per gender T/K/M with
`value` null when missing (§4.1); rows flagged `isdeleted` are skipped, as rKolada does by default.
Tests use `FakeTransport`, which serves recorded responses — never the network.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEFAULT_BASE_URL = "https://api.kolada.se/v3/"
MAX_IDS = 25  # kolada_api.md §2: v3 rejects more than 25 ids in one parameter
PER_PAGE = 5000  # kolada_api.md §2: up to 5000 results per page
RETRIES = 3
TIMEOUT_S = 30

Transport = Callable[[str, dict], dict]


class KoladaUnavailable(Exception):
    """Kolada could not be reached or answered with an error; the message is meant for people."""


@dataclass(frozen=True)
class KpiMeta:
    id: str
    title: str
    description: str = ""
    operating_area: str = ""
    perspective: str = ""
    has_ou_data: bool = False
    is_divided_by_gender: bool = False
    municipality_type: str = ""
    publ_period: str = ""
    publication_date: str = ""


@dataclass(frozen=True)
class ValueRow:
    kpi: str
    area_type: str  # "municipality" | "ou"
    area_code: str
    period: int
    gender: str  # T | K | M
    value: float | None
    count: int | None = None
    status: str = ""

    @property
    def key(self) -> tuple[str, str, str, int, str]:
        return (self.kpi, self.area_type, self.area_code, self.period, self.gender)


def chunks(ids: Iterable, size: int = MAX_IDS) -> list[list[str]]:
    items = [str(i) for i in ids]
    return [items[i : i + size] for i in range(0, len(items), size)]


def _bool(raw) -> bool:
    if isinstance(raw, str):
        return raw.strip().lower() in {"true", "1", "yes"}
    return bool(raw)


def _text(raw) -> str:
    return "" if raw is None else str(raw)


def parse_kpi(obj: dict) -> KpiMeta:
    """One /v3/kpi object (v2 spellings accepted: `is_divided_by_gender` 0/1)."""
    return KpiMeta(
        id=str(obj["id"]),
        title=_text(obj.get("title")),
        description=_text(obj.get("description")),
        operating_area=_text(obj.get("operating_area")),
        perspective=_text(obj.get("perspective")),
        has_ou_data=_bool(obj.get("has_ou_data")),
        is_divided_by_gender=_bool(obj.get("is_divided_by_gender")),
        municipality_type=_text(obj.get("municipality_type")),
        publ_period=_text(obj.get("publ_period")),
        publication_date=_text(obj.get("publication_date")),
    )


def _number(raw) -> float | None:
    if raw is None or raw == "":
        return None
    return float(raw)


def _count(raw) -> int | None:
    return None if raw is None or raw == "" else int(raw)


def _area(obj: dict) -> tuple[str, str]:
    if obj.get("ou"):
        return "ou", str(obj["ou"])
    # rKolada's flattened rows put the id in municipality_id and the *title* in municipality.
    code = obj.get("municipality_id") or obj.get("municipality")
    return "municipality", str(code)


def parse_values(payload) -> list[ValueRow]:
    """Every recorded data shape: the v3 envelope with nested per-gender `values`, a bare list of such
    objects, or rKolada's flattened rows (`year`, `municipality_id`, one gender per row)."""
    items = payload.get("values", []) if isinstance(payload, dict) else payload
    rows: list[ValueRow] = []
    for obj in items or []:
        area_type, area_code = _area(obj)
        period = int(obj.get("period", obj.get("year")))
        nested = obj.get("values") if isinstance(obj.get("values"), list) else [obj]
        for v in nested:
            if _bool(v.get("isdeleted", v.get("is_deleted", False))):
                continue
            rows.append(
                ValueRow(
                    kpi=str(obj["kpi"]),
                    area_type=area_type,
                    area_code=area_code,
                    period=period,
                    gender=str(v["gender"]),
                    value=_number(v.get("value")),
                    count=_count(v.get("count")),
                    status=_text(v.get("status")),
                )
            )
    return rows


def urllib_transport(url: str, params: dict, *, sleep=time.sleep, opener=urllib.request.urlopen) -> dict:
    """GET with a timeout; 429, 5xx and timeouts are retried with exponential backoff (1, 2, 4 s), at most 3
    retries — rKolada does the same for 429 (kolada_api.md §2)."""
    full = f"{url}?{urllib.parse.urlencode(params)}" if params else url
    if urllib.parse.urlparse(full).scheme not in {"http", "https"}:
        raise KoladaUnavailable(f"Not a web address: {full}")
    headers = {"Accept": "application/json", "User-Agent": "Kedja"}
    request = urllib.request.Request(full, headers=headers)  # noqa: S310 - scheme checked above
    last = ""
    for attempt in range(RETRIES + 1):
        try:
            with opener(request, timeout=TIMEOUT_S) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            if e.code != 429 and e.code < 500:
                raise KoladaUnavailable(f"Kolada answered {e.code} for {full}.") from e
            last = f"Kolada answered {e.code}"
        except (TimeoutError, urllib.error.URLError) as e:
            last = f"Kolada could not be reached ({getattr(e, 'reason', e)})"
        if attempt < RETRIES:
            sleep(2**attempt)
    raise KoladaUnavailable(f"{last}; gave up after {RETRIES} retries.")


class KoladaClient:
    def __init__(self, transport: Transport | None = None, base_url: str | None = None):
        self.transport = transport or urllib_transport
        self.base_url = (base_url or getattr(settings, "KOLADA_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")

    def pages(self, url: str, params: dict | None = None) -> Iterator[dict]:
        """Follow `next_url` (v3) or `next_page` (v2) exactly as given — full URLs with their own query."""
        params = {"per_page": PER_PAGE, **(params or {})}
        seen = set()
        while url:
            payload = self.transport(url, params)
            yield payload
            nxt = (payload.get("next_url") or payload.get("next_page")) if isinstance(payload, dict) else None
            if not nxt or nxt in seen:
                break
            seen.add(nxt)
            url, params = nxt, {}

    def kpis(self, ids: Iterable[str] | None = None) -> list[KpiMeta]:
        if ids is None:
            urls = [f"{self.base_url}/kpi"]
        else:
            urls = [f"{self.base_url}/kpi/{','.join(chunk)}" for chunk in chunks(ids)]
        found = []
        for url in urls:
            for payload in self.pages(url):
                found.extend(parse_kpi(obj) for obj in payload.get("values", []))
        return found

    def value_urls(self, kpi_ids, municipality_codes, years) -> list[str]:
        """One URL per 25 × 25 × 25 block (kolada_api.md §4.1 path form)."""
        return [
            f"{self.base_url}/data/kpi/{','.join(k)}/municipality/{','.join(m)}/year/{','.join(y)}"
            for k in chunks(kpi_ids)
            for m in chunks(municipality_codes)
            for y in chunks(years)
        ]

    def values_at(self, url: str) -> list[ValueRow]:
        rows: list[ValueRow] = []
        for payload in self.pages(url):
            rows.extend(parse_values(payload))
        return rows

    def values(self, kpi_ids, municipality_codes, years) -> list[ValueRow]:
        rows: list[ValueRow] = []
        for url in self.value_urls(kpi_ids, municipality_codes, years):
            rows.extend(self.values_at(url))
        return rows


class FakeTransport:
    """Serves recorded responses, for tests and offline demos. `pages` maps an exact URL to a payload (for
    pagination tests); otherwise a data or KPI request is answered from the JSON files in `directory`,
    filtered to the ids in the URL. Every call is kept in `calls`."""

    def __init__(self, pages: dict[str, dict] | None = None, directory: Path | str | None = None):
        self.page_map = pages or {}
        self.calls: list[tuple[str, dict]] = []
        self.kpi_objects: list[dict] = []
        self.value_rows: list[ValueRow] = []
        if directory:
            for path in sorted(Path(directory).glob("*.json")):
                self._load(json.loads(path.read_text(encoding="utf-8")))

    def _load(self, payload) -> None:
        items = payload.get("values", []) if isinstance(payload, dict) else payload
        if not items:
            return
        first = items[0]
        if "operating_area" in first:
            self.kpi_objects.extend(items)
        elif "kpi" in first:
            self.value_rows.extend(parse_values(items))

    def __call__(self, url: str, params: dict) -> dict:
        self.calls.append((url, dict(params)))
        if url in self.page_map:
            return self.page_map[url]
        parts = urllib.parse.urlparse(url).path.strip("/").split("/")
        if "data" in parts:
            dims = dict(
                zip(parts[parts.index("data") + 1 :: 2], parts[parts.index("data") + 2 :: 2], strict=False)
            )
            kpis = set(dims.get("kpi", "").split(",")) - {""}
            areas = set(dims.get("municipality", "").split(",")) - {""}
            years = set(dims.get("year", "").split(",")) - {""}
            rows = [
                r
                for r in self.value_rows
                if (not kpis or r.kpi in kpis)
                and (not areas or r.area_code in areas)
                and (not years or str(r.period) in years)
            ]
            return _envelope(_nest(rows))
        if "kpi" in parts:
            wanted = set(parts[parts.index("kpi") + 1].split(",")) if parts[-1] != "kpi" else None
            objs = [o for o in self.kpi_objects if wanted is None or o["id"] in wanted]
            return _envelope(objs)
        raise KoladaUnavailable(f"No recorded response for {url}.")


def _envelope(values: list) -> dict:
    return {"values": values, "count": len(values), "next_url": None, "previous_url": None}


def _nest(rows: list[ValueRow]) -> list[dict]:
    """Rows back into the v3 nested shape (one object per kpi × area × period)."""
    grouped: dict[tuple, dict] = {}
    for r in rows:
        obj = grouped.setdefault(
            (r.kpi, r.area_type, r.area_code, r.period),
            {
                "kpi": r.kpi,
                "period": r.period,
                "ou" if r.area_type == "ou" else "municipality": r.area_code,
                "values": [],
            },
        )
        obj["values"].append(
            {"gender": r.gender, "count": r.count, "status": r.status, "value": r.value, "isdeleted": False}
        )
    return list(grouped.values())
