"""The follow-up above the school unit (docs/followup.md, "Above the unit"): an organisation's students per
level in each school unit, per gender and per subject score for a term, with the level shares term by term —
as a page and as an Excel file of the same tables.

Thin: followup.access.can_view_aggregates says who may (head of schools, quality developer, regional
officer or reader at or above the organisation; a unit's principal for their own unit); those who see the
organisation but may not get 403, everyone else 404. kedja.followup.aggregates computes, suppressed
whenever access.aggregates_leave_unit — the page never gets a student row, name or id. A principal looking
at their own unit sees the figures unsuppressed: that read is logged (reading.unit_counts_read) and needs
the second factor, like the unit page.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kedja.accounts.second_factor import second_factor_required
from kedja.core.files import download_response
from kedja.core.spreadsheets import XLSX_CONTENT_TYPE
from kedja.organisations.roles import Kind

from . import access, aggregates, exports, reading
from .access import get_aggregate_organisation_for
from .counts import CATEGORIES


def _overview(request, org, context: str) -> aggregates.Overview:
    suppressed = access.aggregates_leave_unit(request.user, org)
    result = aggregates.overview(
        org, suppressed=suppressed, term=aggregates.TermKey.parse(request.GET.get("term"))
    )
    if not suppressed and result.term is not None:
        reading.unit_counts_read(request.user, org, result.term.term, result.term.year, context=context)
    return result


def _guarded(view):
    """Sign-in; then, when the figures do not leave the unit (its principal), the second factor too."""

    @login_required
    def wrapper(request, org_id):
        org = get_aggregate_organisation_for(request.user, org_id)
        if access.aggregates_leave_unit(request.user, org):
            return view(request, org)
        return second_factor_required(lambda r: view(r, org))(request)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_safe
@_guarded
def overview(request, org):
    """The organisation's follow-up figures for a term (?term=HT2026; default the latest with data)."""
    result = _overview(request, org, context=_("Follow-up overview of %(org)s") % {"org": org.name})
    above = access.aggregate_ancestors(request.user, org)
    return render(
        request,
        "followup/overview.html",
        {
            "org": org,
            "o": result,
            "levels": [(str(level), level.label) for level in CATEGORIES],
            "below": access.aggregate_children(request.user, org),
            "above": above,
            # the municipality's own settings of the follow-up, for those who may see them
            "show_scheme": org.kind == Kind.MUNICIPALITY and access.can_see_scheme(request.user, org),
            "edit_questions": org.kind == Kind.MUNICIPALITY and access.can_edit_questions(request.user, org),
        },
    )


@require_safe
@_guarded
def overview_xlsx(request, org):
    """The same suppressed tables as the page, one sheet each, with what ".." means."""
    result = _overview(request, org, context=_("Follow-up overview of %(org)s, Excel") % {"org": org.name})
    body = exports.overview_workbook(org, result)
    return download_response(
        body, filename=exports.overview_filename(org, result), content_type=XLSX_CONTENT_TYPE
    )
