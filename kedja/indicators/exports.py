"""An indicator's values as a file (docs/indicators.md, "The indicator page and its export"): every series
(the organisation, for a Kolada indicator also its region's mean with the number of municipalities it rests
on, and Sweden) and every gender by year — one row per year and gender, numbers as numbers. Under the data:
the source, Kolada's attribution ("Källa: Kolada") with the KPI and the latest fetch, and when the file was
made. The headers are in the person's language (Swedish by default). Every text goes through the
formula-injection guard (core.spreadsheets.cell_text). CSV as Excel in Sweden opens it, like the initiatives
export: UTF-8 with a BOM, ";" between values, CRLF between rows."""

import csv
import io
from datetime import date, datetime

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kedja.core.spreadsheets import cell_text

from .models import Gender
from .series import COUNTRY, GENDERS, OWN, REGION, IndicatorSeries

KOLADA_ATTRIBUTION = "Källa: Kolada"  # Kolada's required wording, never translated


def _local_naive(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def headers(data: IndicatorSeries) -> list[str]:
    out = [_("Year"), _("Gender")]
    for s in data.series:
        if s.kind == OWN:
            out.append(s.name)
        elif s.kind == REGION:
            out += [
                _("%(region)s, mean of its municipalities") % {"region": s.name},
                _("Municipalities in the mean"),
            ]
        elif s.kind == COUNTRY:
            out.append(_("Sweden"))
    return out


def gender_name(gender: str) -> str:
    return {Gender.TOTAL: _("Total"), Gender.WOMEN: _("Women"), Gender.MEN: _("Men")}[gender]


def rows(data: IndicatorSeries) -> list[list]:
    """One row per year and gender that has any value: year, gender, then each series' value (None where it
    has none); after the region's mean the number of municipalities it rests on."""
    out = []
    genders = [g for g in GENDERS if g in data.genders]
    for year in data.years:
        for gender in genders:
            values = [s.for_gender(gender).get(year) for s in data.series]
            if all(v is None for v in values):
                continue
            row: list = [year, gender_name(gender)]
            for s, value in zip(data.series, values, strict=True):
                row.append(value)
                if s.kind == REGION:
                    row.append(s.counts.get(gender, {}).get(year))
            out.append(row)
    return out


def about(data: IndicatorSeries, *, kpi_title: str = "", now: datetime | None = None) -> list[list]:
    """The lines under the data: what the figures are and where they come from."""
    indicator = data.indicator
    now = now or timezone.now()
    lines: list[list] = [[_("Indicator"), indicator.name], [_("Organisation"), indicator.organisation.name]]
    lines.append([_("Unit"), indicator.get_unit_display()])
    if data.is_kolada:
        lines.append([KOLADA_ATTRIBUTION, f"{indicator.kolada_kpi} {kpi_title}".strip()])
        lines.append([_("Fetched from Kolada"), _local_naive(data.fetched_at)])
        if data.get(REGION):
            lines.append(
                [
                    _("Region mean"),
                    _(
                        "The unweighted mean of the region's municipalities that have a value that year "
                        "(%(total)s municipalities in the region)."
                    )
                    % {"total": data.region_size},
                ]
            )
    else:
        lines.append([_("Source"), indicator.get_source_display()])
    if indicator.target_value is not None:
        lines.append([_("Target"), indicator.target_value])
        lines.append([_("Target year"), indicator.target_year])
    lines.append([_("Exported"), _local_naive(now)])
    return lines


def workbook(data: IndicatorSeries, *, kpi_title: str = "", now: datetime | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Values")[:31]
    head = headers(data)
    sheet.append([cell_text(h) for h in head])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    body = rows(data)
    for values in body:
        sheet.append([cell_text(v) for v in values])
    if body:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(body) + 1}"
    sheet.append([])
    for label, value in about(data, kpi_title=kpi_title, now=now):
        sheet.append([cell_text(label), cell_text(value)])
        if isinstance(value, datetime):
            sheet.cell(row=sheet.max_row, column=2).number_format = "yyyy-mm-dd hh:mm"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 16
    for index in range(3, len(head) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 20
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, float):
        return format(value, ".12g").replace(".", ",")
    return cell_text(value)


def csv_bytes(data: IndicatorSeries, *, kpi_title: str = "", now: datetime | None = None) -> bytes:
    """Decimal comma, as Excel in Sweden reads a number in a ";"-separated file."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell_text(h) for h in headers(data)])
    for values in rows(data):
        writer.writerow([_csv_value(v) for v in values])
    writer.writerow([])
    for label, value in about(data, kpi_title=kpi_title, now=now):
        writer.writerow([cell_text(label), _csv_value(value)])
    return out.getvalue().encode("utf-8-sig")


def filename(data: IndicatorSeries, extension: str, *, today: date | None = None) -> str:
    """A safe ASCII file name: indikator-<name>-<date>.<extension>."""
    today = today or timezone.localdate()
    name = slugify(data.indicator.name)[:60] or str(data.indicator.pk)
    return f"indikator-{name}-{today.isoformat()}.{extension}"
