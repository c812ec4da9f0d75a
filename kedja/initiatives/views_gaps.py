"""The gap analysis pages ("glapp i kedjan", docs/gap-analysis.md): a municipality's matrices and ranked gaps,
one cell's initiatives (page or htmx side panel), the Excel export, and the region's municipalities × stages.
Thin: the access layer decides who may, gap_report, gap_cell and gap_region gather, gaps.py holds the rules."""

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from kedja.core.files import download_response
from kedja.core.spreadsheets import XLSX_CONTENT_TYPE
from kedja.frameworks.access import visible_frameworks
from kedja.frameworks.chain import WHOLE, area_stages, effective, group_exists
from kedja.frameworks.models import Framework, FrameworkVersion
from kedja.frameworks.selectors import is_default_framework

from . import exports, gap_report
from .access import get_municipality_for_gaps, get_region_for_gaps
from .gap_cell import cell_detail
from .gap_region import region_report
from .gap_report import AREA, GROUP
from .models import Stage, TargetGroup

TOP_GAPS = 20  # the page lists this many ranked gaps unless asked for all; the export has every one


def _frameworks(user) -> list[Framework]:
    """Frameworks the person may see that have a published version, shipped ones first."""
    return list(
        visible_frameworks(user)
        .filter(versions__status=FrameworkVersion.Status.PUBLISHED)
        .distinct()
        .order_by(F("owner_id").asc(nulls_first=True), "key")
    )


def _chosen_framework(request, frameworks: list[Framework]) -> Framework | None:
    """?framework=<id> among the visible ones (404 for any other), else the STEAM framework, else the first."""
    wanted = request.GET.get("framework")
    if wanted:
        chosen = next((f for f in frameworks if str(f.pk) == wanted), None)
        if chosen is None:
            raise Http404()
        return chosen
    steam = next((f for f in frameworks if is_default_framework(f)), None)
    return steam or (frameworks[0] if frameworks else None)


@login_required
@require_safe
def gaps(request, municipality_id):
    municipality = get_municipality_for_gaps(request.user, municipality_id)
    frameworks = _frameworks(request.user)
    framework = _chosen_framework(request, frameworks)
    report = None
    if framework is not None:
        report = gap_report.municipality_report(municipality, framework, today=timezone.localdate())
    show_all = request.GET.get("all") == "1"
    listed = report.gaps if report and show_all else (report.gaps[:TOP_GAPS] if report else [])
    return render(
        request,
        "initiatives/gaps.html",
        {
            "municipality": municipality,
            "frameworks": frameworks,
            "framework": framework,
            "report": report,
            "listed_gaps": listed,
            "show_all": show_all,
            "top": TOP_GAPS,
        },
    )


@login_required
@require_safe
def gap_cell(request, municipality_id):
    """One cell: ?stage=<code>&area=<code> or &group=<code>. A full page, or the side panel for htmx.
    Without a chosen cell, back to the municipality's gaps; an unknown stage, area or group is 404."""
    municipality = get_municipality_for_gaps(request.user, municipality_id)
    framework = _chosen_framework(request, _frameworks(request.user))
    stage = request.GET.get("stage", "")
    area_code, group = request.GET.get("area"), request.GET.get("group")
    if not (stage or area_code or group):
        return redirect(reverse("initiatives:gaps", args=[municipality.pk]))
    if framework is None or stage not in (*Stage.values, WHOLE) or (area_code is None) == (group is None):
        raise Http404()
    version = framework.latest_published()
    area = None
    if area_code is not None:
        area = version.areas().filter(code=area_code).first() if version else None
        # a municipality-wide area is one cell (stage=whole), any other area one cell per stage it applies at
        if area is None or stage not in area_stages(effective(area.applies, None), list(Stage.values)):
            raise Http404()
        kind, column = AREA, area_code
    else:
        if (
            group not in TargetGroup.values
            or stage == WHOLE
            or not group_exists(version.target_group_stages if version else {}, stage=stage, group=group)
        ):
            raise Http404()
        kind, column = GROUP, group
    detail = cell_detail(
        municipality,
        framework,
        kind=kind,
        stage=stage,
        column=column,
        area=area,
        today=timezone.localdate(),
        version=version,
    )
    template = "initiatives/gaps_cell.html#panel" if request.htmx else "initiatives/gaps_cell.html"
    return render(request, template, {"municipality": municipality, "framework": framework, "cell": detail})


@login_required
@require_safe
def gaps_export(request, municipality_id):
    municipality = get_municipality_for_gaps(request.user, municipality_id)
    framework = _chosen_framework(request, _frameworks(request.user))
    if framework is None:
        raise Http404()
    today = timezone.localdate()
    report = gap_report.municipality_report(municipality, framework, today=today)
    name = exports.gaps_filename(municipality, today=today)
    return download_response(exports.gaps_workbook(report), filename=name, content_type=XLSX_CONTENT_TYPE)


def _region_report(request, region_id):
    """The region (404 for those who may not see it, 403 without the right), the frameworks, the chosen
    framework and, when there is one, its areas, the ?area= (404 for an unknown one) and the report."""
    region = get_region_for_gaps(request.user, region_id)
    frameworks = _frameworks(request.user)
    framework = _chosen_framework(request, frameworks)
    context = {"region": region, "frameworks": frameworks, "framework": framework, "report": None}
    if framework is not None:
        version = framework.latest_published()
        areas = list(version.areas()) if version else []
        area = request.GET.get("area") or None
        if area is not None and area not in {a.code for a in areas}:
            raise Http404()
        context.update(
            areas=areas,
            area=area,
            report=region_report(region, framework, area=area, today=timezone.localdate()),
        )
    return context


@login_required
@require_safe
def region_gaps(request, region_id):
    """?framework=<id>&area=<code>: municipalities × stages from shared initiatives only."""
    return render(request, "initiatives/gaps_region.html", _region_report(request, region_id))


@login_required
@require_safe
def region_gaps_export(request, region_id):
    """The region's page as an Excel file: same access, ?framework= and ?area=."""
    context = _region_report(request, region_id)
    report = context["report"]
    if report is None:
        raise Http404()
    name = exports.region_export_filename(report.region, area=report.area, today=timezone.localdate())
    return download_response(
        exports.region_gaps_workbook(report), filename=name, content_type=XLSX_CONTENT_TYPE
    )
