"""Parsing every recorded Kolada shape, pagination, chunking and retries — never the network."""

import io
import urllib.error

import pytest

from kedja.kolada import client as kolada
from kedja.kolada.client import FakeTransport, KoladaClient, KoladaUnavailable, parse_kpi, parse_values
from kedja.kolada.client import urllib_transport as real_transport  # before conftest._no_network swaps it

from . import recorded

BASE = "https://api.kolada.se/v3"


def test_nested_v3_shape_gives_one_row_per_gender():
    rows = parse_values(recorded.load(recorded.NESTED))
    assert len(rows) == 15  # 5 municipalities × T/K/M
    stockholm = {r.gender: r for r in rows if r.area_code == "0180"}
    assert stockholm["T"].value == 21.88749
    assert stockholm["K"].value == 25.688929
    assert stockholm["M"].value == 15.778849
    assert {r.kpi for r in rows} == {"N21704"}
    assert {r.period for r in rows} == {2023}
    assert all(r.area_type == "municipality" and r.count == 1 and r.status == "" for r in rows)


def test_flattened_rkolada_rows_use_the_municipality_id_not_the_title():
    rows = parse_values(recorded.load(recorded.FLAT))
    assert len(rows) == 63
    assert {r.area_code for r in rows} == {"0180", "1280", "1480"}
    first = rows[0]
    assert (first.kpi, first.area_code, first.period, first.gender, first.value) == (
        "N00945", "0180", 2000, "T", 31.32959689,
    )  # fmt: skip


def test_missing_value_is_none_and_deleted_values_are_skipped():
    rows = parse_values(recorded.with_missing_values())
    by_key = {(r.area_code, r.gender): r for r in rows}
    assert by_key[("0180", "K")].value is None
    assert ("1280", "M") not in by_key
    assert len(rows) == 14


def test_ou_rows_are_kept_apart_from_municipalities():
    payload = {"values": [{"kpi": "N15033", "ou": "V15E144001301", "period": "2009", "values": [
        {"gender": "T", "count": 1, "status": "", "value": 12.5}]}]}  # fmt: skip
    (row,) = parse_values(payload)
    assert (row.area_type, row.area_code, row.period) == ("ou", "V15E144001301", 2009)


def test_kpi_metadata_parses_the_recorded_catalogue():
    metas = [parse_kpi(obj) for obj in recorded.load(recorded.KPIS)]
    assert len(metas) == 122
    n15419 = next(m for m in metas if m.id == "N15419")
    assert n15419.is_divided_by_gender is True
    assert n15419.has_ou_data is True
    assert n15419.municipality_type == "K"
    assert n15419.publ_period == "2026"
    assert n15419.operating_area == "Grundskola åk 0-9 inkl förskoleklass"


def test_client_follows_next_url_across_pages():
    transport = FakeTransport(pages=recorded.two_pages(BASE))
    client = KoladaClient(transport=transport, base_url=BASE)
    rows = client.values(["N21704"], ["0180", "0580", "1280", "1480", "2480"], ["2023"])
    assert len(rows) == 15
    assert [url for url, _ in transport.calls] == list(recorded.two_pages(BASE))
    assert transport.calls[0][1] == {"per_page": 5000}
    assert transport.calls[1][1] == {}  # the next_url is followed exactly as given


def test_ids_are_chunked_by_25():
    client = KoladaClient(transport=FakeTransport(directory=recorded.DATA), base_url=BASE)
    urls = client.value_urls([f"N{i:05d}" for i in range(30)], ["1880"], ["2023"])
    assert len(urls) == 2
    assert urls[0].count(",") == 24 and urls[1].count(",") == 4


def test_base_url_comes_from_settings(settings):
    settings.KOLADA_BASE_URL = "https://example.test/v3/"
    assert KoladaClient(transport=FakeTransport()).base_url == "https://example.test/v3"
    del settings.KOLADA_BASE_URL
    assert KoladaClient(transport=FakeTransport()).base_url == "https://api.kolada.se/v3"


def test_fake_transport_serves_recorded_files_filtered_by_url():
    client = KoladaClient(transport=FakeTransport(directory=recorded.DATA), base_url=BASE)
    rows = client.values(["N00945"], ["1280"], ["2019", "2020"])
    assert {(r.area_code, r.period) for r in rows} == {("1280", 2019), ("1280", 2020)}
    assert [k.id for k in client.kpis(["N15419", "N15418"])] == ["N15418", "N15419"]


class _Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_default_transport_retries_429_then_succeeds():
    attempts, sleeps = [], []

    def opener(request, timeout):
        attempts.append(timeout)
        if len(attempts) < 3:
            raise urllib.error.HTTPError(request.full_url, 429, "Too Many Requests", {}, None)
        return _Response(b'{"values": [], "count": 0, "next_url": null}')

    payload = real_transport(f"{BASE}/kpi", {"per_page": 1}, sleep=sleeps.append, opener=opener)
    assert payload["count"] == 0
    assert sleeps == [1, 2]
    assert attempts == [kolada.TIMEOUT_S] * 3


def test_default_transport_gives_up_after_three_retries():
    sleeps = []

    def opener(request, timeout):
        raise urllib.error.URLError("timed out")

    with pytest.raises(KoladaUnavailable, match="gave up after 3 retries"):
        real_transport(f"{BASE}/kpi", {}, sleep=sleeps.append, opener=opener)
    assert sleeps == [1, 2, 4]


def test_default_transport_does_not_retry_a_bad_request():
    def opener(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 400, "Bad Request", {}, None)

    with pytest.raises(KoladaUnavailable, match="400"):
        real_transport(f"{BASE}/kpi", {}, sleep=lambda s: None, opener=opener)


# --- what kind of failure (KoladaUnavailable.kind, read back from a run's error text by failure_in) -------


def test_a_refused_connection_or_a_timeout_is_unreachable_after_the_retries():
    def refused(request, timeout):
        raise ConnectionRefusedError("connection refused")

    with pytest.raises(KoladaUnavailable) as e:
        real_transport(f"{BASE}/kpi", {}, sleep=lambda s: None, opener=refused)
    assert (e.value.kind, e.value.status) == (KoladaUnavailable.UNREACHABLE, None)
    assert "connection refused" in str(e.value)
    assert kolada.failure_in(f"Could not fetch: {e.value}") == kolada.Failure(KoladaUnavailable.UNREACHABLE)

    def slow(request, timeout):
        raise TimeoutError("timed out")

    with pytest.raises(KoladaUnavailable) as e:
        real_transport(f"{BASE}/kpi", {}, sleep=lambda s: None, opener=slow)
    assert e.value.kind == KoladaUnavailable.UNREACHABLE and "gave up after 3 retries" in str(e.value)


def test_an_error_status_is_http_with_its_code_whether_retried_or_not():
    def unavailable(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 503, "Service Unavailable", {}, None)

    sleeps = []
    with pytest.raises(KoladaUnavailable) as e:
        real_transport(f"{BASE}/kpi", {}, sleep=sleeps.append, opener=unavailable)
    assert (e.value.kind, e.value.status, sleeps) == (KoladaUnavailable.HTTP, 503, [1, 2, 4])
    assert kolada.failure_in(str(e.value)) == kolada.Failure(KoladaUnavailable.HTTP, 503)

    def bad_request(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 400, "Bad Request", {}, None)

    with pytest.raises(KoladaUnavailable) as e:
        real_transport(f"{BASE}/kpi", {}, sleep=lambda s: None, opener=bad_request)
    assert (e.value.kind, e.value.status) == (KoladaUnavailable.HTTP, 400)


def test_an_answer_that_is_not_json_is_unreadable_and_not_retried():
    calls = []

    def html(request, timeout):
        calls.append(1)
        return _Response(b"<html><body>Maintenance</body></html>")

    with pytest.raises(KoladaUnavailable) as e:
        real_transport(f"{BASE}/kpi", {}, sleep=lambda s: None, opener=html)
    assert e.value.kind == KoladaUnavailable.UNREADABLE and len(calls) == 1
    assert kolada.failure_in(str(e.value)).kind == KoladaUnavailable.UNREADABLE


def test_json_of_an_unexpected_shape_is_unreadable():
    url = f"{BASE}/data/kpi/N21704/municipality/1280/year/2023"
    odd = {url: {"values": [{"kpi": "N21704", "municipality": "1280", "period": "last year", "values": []}]}}
    client = KoladaClient(transport=FakeTransport(pages=odd), base_url=BASE)
    with pytest.raises(KoladaUnavailable) as e:
        client.values(["N21704"], ["1280"], ["2023"])
    assert e.value.kind == KoladaUnavailable.UNREADABLE and "unexpected format" in str(e.value)
    listing = KoladaClient(transport=FakeTransport(pages={f"{BASE}/kpi/N15419": {"values": [{"title": "x"}]}}),
                           base_url=BASE)  # fmt: skip
    with pytest.raises(KoladaUnavailable) as e:
        listing.kpis(["N15419"])
    assert e.value.kind == KoladaUnavailable.UNREADABLE


def test_a_404_for_a_kpi_address_means_kolada_does_not_know_the_kpi():
    def not_found(url, params):
        raise KoladaUnavailable(f"Kolada answered 404 for {url}.", kind=KoladaUnavailable.HTTP, status=404)

    client = KoladaClient(transport=not_found, base_url=BASE)
    with pytest.raises(KoladaUnavailable) as e:
        client.values(["N99999", "N15419"], ["1280"], ["2023"])
    assert (e.value.kind, e.value.kpis) == (KoladaUnavailable.UNKNOWN_KPI, ("N99999", "N15419"))
    assert kolada.failure_in(f"Could not fetch: {e.value}") == kolada.Failure(
        KoladaUnavailable.UNKNOWN_KPI, kpis=("N99999", "N15419")
    )
    with pytest.raises(KoladaUnavailable) as e:
        client.kpis(["N99999"])
    assert e.value.kind == KoladaUnavailable.UNKNOWN_KPI
    with pytest.raises(KoladaUnavailable) as e:
        client.kpis()  # the whole catalogue names no KPI: a 404 stays an HTTP failure
    assert (e.value.kind, e.value.status) == (KoladaUnavailable.HTTP, 404)


def test_old_callers_keep_working_and_an_unmarked_text_has_no_kind():
    plain = KoladaUnavailable("Kolada could not be reached (connection refused).")
    assert plain.kind == KoladaUnavailable.UNREACHABLE and str(plain).startswith(
        "Kolada could not be reached"
    )
    assert kolada.failure_in("Could not fetch from Kolada: KeyError 'kpi'") == kolada.Failure(None)
    assert kolada.failure_in("") == kolada.Failure(None)
    assert KoladaUnavailable("x", kind="nonsense").kind == KoladaUnavailable.UNREACHABLE
