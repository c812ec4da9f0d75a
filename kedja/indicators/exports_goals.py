"""The goal tree as an Excel workbook (issue 8: every list taken to a meeting exports to Excel): one row per
goal and indicator (a goal without indicators gets one row), in the tree's order, with dates as dates and
numbers as numbers; headers in the person's language (Swedish by default); every text through the
formula-injection guard. The view sits here beside the workbook; it reaches the access layer through the
goal page's view module, like the page itself."""

import io
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kedja.core.spreadsheets import XLSX_CONTENT_TYPE, cell_text
from kedja.organisations.models import Organisation

from .models import Indicator
from .series import counted_totals
from .status import status_for
from .tree import goal_tree

WIDTHS = [6, 14, 44, 30, 26, 12, 12, 14, 40, 10, 12, 10, 12, 10, 12, 10, 14]


def goal_rows(organisation: Organisation, *, today_year: int) -> list[list]:
    tree = goal_tree(organisation, indicators=True)
    titles = {g.pk: g.title for g, _depth in tree}
    rows: list[list] = []
    for goal, depth in tree:
        head = [
            depth + 1,
            goal.get_kind_display(),
            goal.title,
            titles.get(goal.parent_id, ""),
            goal.owner_function,
            goal.starts,
            goal.ends,
            goal.get_status_display(),
        ]
        indicators = list(goal.indicators.all())
        for indicator in indicators:
            rows.append(head + _indicator_cells(indicator, today_year))
        if not indicators:
            rows.append(head + [None] * 9)
    return rows


def _indicator_cells(indicator: Indicator, today_year: int) -> list:
    totals = counted_totals(indicator)
    latest_year = max(totals) if totals else None
    status = status_for(
        totals,
        baseline=indicator.baseline_value,
        baseline_year=indicator.baseline_year,
        target=indicator.target_value,
        target_year=indicator.target_year,
        direction=indicator.direction,
        today_year=today_year,
    )
    return [
        indicator.name,
        indicator.get_unit_display(),
        indicator.baseline_value,
        indicator.baseline_year,
        totals[latest_year] if latest_year else None,
        latest_year,
        indicator.target_value,
        indicator.target_year,
        str(status.label),
    ]


def goals_workbook(organisation: Organisation, *, today: date | None = None) -> bytes:
    today = today or timezone.localdate()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = cell_text(_("Goals"))[:31]
    headers = [
        _("Level"),
        _("Kind"),
        _("Goal"),
        _("Part of"),
        _("Responsible function"),
        _("Starts"),
        _("Ends"),
        _("Status"),
        _("Indicator"),
        _("Unit"),
        _("Baseline"),
        _("Baseline year"),
        _("Latest value"),
        _("Latest year"),
        _("Target"),
        _("Target year"),
        _("Indicator status"),
    ]
    sheet.append([cell_text(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in goal_rows(organisation, today_year=today.year):
        sheet.append([cell_text(v) for v in row])
        for column in (6, 7):
            sheet.cell(row=sheet.max_row, column=column).number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@login_required
@require_safe
def goals_xlsx(request, org_id):
    """The goal tree as Excel, for whoever sees the goals (404 otherwise)."""
    from .views import get_goal_organisation_for  # the goal page's access check

    org = get_goal_organisation_for(request.user, org_id)
    response = HttpResponse(goals_workbook(org), content_type=XLSX_CONTENT_TYPE)
    name = f"mal-{slugify(org.name) or 'organisation'}-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
