"""A small Kolada v3 client over a pluggable transport (`transport(url, params) -> dict`).

The API facts it relies on are in docs/indicators.md, "The Kolada API as Kedja uses it": base
https://api.kolada.se/v3/; envelope `values`/`count`/`next_url`, v2 and one client say `next_page`, so both
are followed; at most 25 ids per comma-separated parameter; data path /data/kpi/{K}/municipality/{M}/year/{Y};
values nested per gender T/K/M with `value` null when missing; rows flagged `isdeleted` are skipped, as
rKolada does by default. Tests use `FakeTransport`, which serves recorded responses — never the network.
"""

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEFAULT_BASE_URL = "https://api.kolada.se/v3/"
MAX_IDS = 25  # docs/indicators.md, "Pages and limits": v3 rejects more than 25 ids in one parameter
PER_PAGE = 5000  # docs/indicators.md, "Pages and limits": up to 5000 results per page
RETRIES = 3
TIMEOUT_S = 30

Transport = Callable[[str, dict], dict]


class KoladaUnavailable(Exception):
    """Kolada could not be reached or answered with an error. `kind` says which, so a page can tell people
    what to do (UNREACHABLE, the default: no connection or timed out; HTTP: an error status, in `status`;
    UNREADABLE: an answer in an unexpected format; UNKNOWN_KPI: Kolada does not know the KPIs in `kpis`).

    str() is the technical detail followed by a marker such as "[kolada:http:503]": a fetch run keeps only
    that text (FetchRun.error), and `failure_in` reads the kind back from it."""

    UNREACHABLE = "unreachable"
    HTTP = "http"
    UNREADABLE = "unreadable"
    UNKNOWN_KPI = "unknown_kpi"
    KINDS = (UNREACHABLE, HTTP, UNREADABLE, UNKNOWN_KPI)

    def __init__(self, message: str = "", *, kind: str = UNREACHABLE, status: int | None = None, kpis=()):
        super().__init__(message)
        self.message = message
        self.kind = kind if kind in self.KINDS else self.UNREACHABLE
        self.status = status
        self.kpis = tuple(kpis)

    def __str__(self) -> str:
        marker = f"{self.kind}:{self.status}" if self.status is not None else self.kind
        if self.kind == self.UNKNOWN_KPI and self.kpis:
            marker = f"{marker}:{','.join(self.kpis)}"
        return f"{self.message} [kolada:{marker}]".strip()


@dataclass(frozen=True)
class Failure:
    """What `failure_in` reads back from a stored error text; kind None when the text has no marker."""

    kind: str | None
    status: int | None = None
    kpis: tuple[str, ...] = ()


_MARKER = re.compile(r"\[kolada:([a-z_]+)(?::(\d{3}))?(?::([A-Z0-9,]+))?\]")


def failure_in(text: str) -> Failure:
    """The kind of failure recorded in an error text (the last KoladaUnavailable marker in it)."""
    found = _MARKER.findall(text or "")
    if not found:
        return Failure(None)
    kind, status, kpis = found[-1]
    if kind not in KoladaUnavailable.KINDS:
        return Failure(None)
    return Failure(kind, int(status) if status else None, tuple(k for k in kpis.split(",") if k))


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
    retries — rKolada does the same for 429 (docs/indicators.md, "Errors and retries"). Other error statuses
    fail at once (kind HTTP), an answer that is not JSON fails as UNREADABLE."""
    full = f"{url}?{urllib.parse.urlencode(params)}" if params else url
    if urllib.parse.urlparse(full).scheme not in {"http", "https"}:
        raise KoladaUnavailable(f"Not a web address: {full}")
    headers = {"Accept": "application/json", "User-Agent": "Kedja"}
    request = urllib.request.Request(full, headers=headers)  # noqa: S310 - scheme checked above
    last, status = "", None
    for attempt in range(RETRIES + 1):
        try:
            with opener(request, timeout=TIMEOUT_S) as response:
                body = response.read()
        except urllib.error.HTTPError as e:
            if e.code != 429 and e.code < 500:
                raise KoladaUnavailable(
                    f"Kolada answered {e.code} for {full}.", kind=KoladaUnavailable.HTTP, status=e.code
                ) from e
            last, status = f"Kolada answered {e.code}", e.code
        except (OSError, http.client.HTTPException) as e:  # URLError, timeouts, refused or reset connections
            last, status = f"Kolada could not be reached ({getattr(e, 'reason', e)})", None
        else:
            try:
                return json.loads(body.decode("utf-8"))
            except ValueError as e:  # not UTF-8 or not JSON
                raise KoladaUnavailable(
                    f"Kolada's answer for {full} is not JSON ({e}).", kind=KoladaUnavailable.UNREADABLE
                ) from e
        if attempt < RETRIES:
            sleep(2**attempt)
    kind = KoladaUnavailable.HTTP if status is not None else KoladaUnavailable.UNREACHABLE
    raise KoladaUnavailable(f"{last}; gave up after {RETRIES} retries.", kind=kind, status=status)


def _ids_in(url: str) -> list[str]:
    """The KPI ids in a /kpi/{ids} or /data/kpi/{ids}/… address."""
    parts = urllib.parse.urlparse(url).path.strip("/").split("/")
    if "kpi" not in parts or parts.index("kpi") + 1 >= len(parts):
        return []
    return [k for k in parts[parts.index("kpi") + 1].split(",") if k]


def _read(url: str, parse, payload):
    """Parse one answer; an answer of an unexpected shape becomes KoladaUnavailable(UNREADABLE)."""
    try:
        return parse(payload)
    except (KeyError, ValueError, TypeError, AttributeError) as e:
        raise KoladaUnavailable(
            f"Kolada's answer for {url} has an unexpected format ({type(e).__name__}: {e}).",
            kind=KoladaUnavailable.UNREADABLE,
        ) from e


def _unknown_kpis(url: str, error: KoladaUnavailable) -> KoladaUnavailable | None:
    """Kolada answers 404 ("no such route") for an address with an id it does not know (docs/indicators.md,
    "Errors and retries"); None when `error` is something else."""
    ids = _ids_in(url)
    if error.kind == KoladaUnavailable.HTTP and error.status == 404 and ids:
        return KoladaUnavailable(
            f"Kolada does not know {', '.join(ids)} (404 for {url}).",
            kind=KoladaUnavailable.UNKNOWN_KPI,
            kpis=ids,
        )
    return None


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
            try:
                for payload in self.pages(url):
                    found.extend(
                        _read(url, lambda p: [parse_kpi(obj) for obj in p.get("values", [])], payload)
                    )
            except KoladaUnavailable as e:
                if (unknown := _unknown_kpis(url, e)) is None:
                    raise
                raise unknown from e
        return found

    def value_urls(self, kpi_ids, municipality_codes, years) -> list[str]:
        """One URL per 25 × 25 × 25 block (docs/indicators.md, "Values": the path form)."""
        return [
            f"{self.base_url}/data/kpi/{','.join(k)}/municipality/{','.join(m)}/year/{','.join(y)}"
            for k in chunks(kpi_ids)
            for m in chunks(municipality_codes)
            for y in chunks(years)
        ]

    def values_at(self, url: str) -> list[ValueRow]:
        rows: list[ValueRow] = []
        try:
            for payload in self.pages(url):
                rows.extend(_read(url, parse_values, payload))
        except KoladaUnavailable as e:
            if (unknown := _unknown_kpis(url, e)) is None:
                raise
            raise unknown from e
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
