"""The unit's access log: who read or exported which student data, filtered by person and date,
as a page and as CSV. Who may is decided as on the unit's other pages (followup.access.get_unit_for)."""

from datetime import datetime, time

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kedja.core.files import download_response
from kedja.core.spreadsheets import CSV_CONTENT_TYPE

from . import exports, reading
from .access import get_unit_for
from .forms import LogFilter
from .guard import student_rows_view
from .models import AccessAction, StudentDataAccess

LOG_PAGE_SIZE = 50


# --- the access log --------------------------------------------------------------------------------------


def _log_entries(request, unit_):
    form = LogFilter(request.GET or None, unit=unit_)
    entries = StudentDataAccess.objects.filter(school_unit=unit_)
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            entries = entries.filter(user_id=data["person"])
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data["date_to"]:
            entries = entries.filter(at__lte=datetime.combine(data["date_to"], time.max, zone))
    return form, entries.order_by("-at", "-pk")


@require_safe
@student_rows_view
def log(request, unit_id):
    unit_ = get_unit_for(request.user, unit_id)
    form, entries = _log_entries(request, unit_)
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "followup/log.html",
        {"unit": unit_, "form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


@require_safe
@student_rows_view
def log_csv(request, unit_id):
    unit_ = get_unit_for(request.user, unit_id)
    _form, entries = _log_entries(request, unit_)
    entries = list(entries)
    reading.log.record(
        request.user,
        school_unit=unit_,
        action=AccessAction.EXPORT,
        what=_("The unit's access log: %(count)s entries") % {"count": len(entries)},
        context="access log export",
    )
    body = exports.log_csv(entries)
    return download_response(body, filename=exports.log_filename(unit_), content_type=CSV_CONTENT_TYPE)
