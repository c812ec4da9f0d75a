"""A municipality's follow-up scheme (docs/followup.md, "Editing the scheme"): the current version, older
versions read-only, and the editor that makes a new version from the current one (scheme_forms.SchemeEdit;
actions.new_scheme_version).

Who may (followup.access): the municipality's quality developer or head of schools edit; others who
see the municipality, and the teachers and principals of its units (they score against these columns),
read — and get 403 on the editor; everyone else 404. The scheme holds no student data, so these pages need
no second factor and write nothing to the student data access log.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from . import access, actions
from .access import get_scheme_municipality_for
from .forms import SchemeBaseForm
from .models import SchemeVersion
from .scheme import Layout, highest_possible_sum
from .scheme_forms import SchemeEdit


def _versions(current: SchemeVersion):
    return (
        SchemeVersion.objects.filter(scheme=current.scheme)
        .annotate(round_count=Count("rounds"))
        .select_related("created_by")
        .order_by("-number")
    )


def _scheme_page(request, municipality, version: SchemeVersion, current: SchemeVersion):
    layout = Layout(version)
    return render(
        request,
        "followup/scheme.html",
        {
            "municipality": municipality,
            "version": version,
            "current": current,
            "is_current": version.pk == current.pk,
            "layout": layout,
            "highest": highest_possible_sum(version.score_max, layout.weights.values()),
            "versions": _versions(current),
            "can_edit": access.can_edit_scheme(request.user, municipality),
        },
    )


@login_required
@require_safe
def scheme(request, municipality_id):
    """The municipality's current scheme version and the list of versions."""
    municipality = get_scheme_municipality_for(request.user, municipality_id)
    current = actions.ensure_scheme(municipality)
    return _scheme_page(request, municipality, current, current)


@login_required
@require_safe
def scheme_version(request, municipality_id, number):
    """One version, read-only (rounds opened with it keep showing its columns)."""
    municipality = get_scheme_municipality_for(request.user, municipality_id)
    current = actions.ensure_scheme(municipality)
    version = SchemeVersion.objects.filter(scheme=current.scheme, number=number).first()
    if version is None:
        raise Http404()
    return _scheme_page(request, municipality, version, current)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def scheme_edit(request, municipality_id):
    """A new version from the current one; never a change to a version that rounds use."""
    municipality = get_scheme_municipality_for(request.user, municipality_id, edit=True)
    current = actions.ensure_scheme(municipality)
    base, problem, status = current.number, "", 200
    edit = SchemeEdit(current, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        started = SchemeBaseForm(request.POST, scheme_form=edit.form)
        started.is_valid()  # a number that cannot be read is a stale one: new_scheme_version answers
        base = started.expected_version
        status = 400
        if edit.is_valid():
            with started.saving(current=lambda: current):
                version = actions.new_scheme_version(
                    municipality,
                    definition=edit.definition(),
                    thresholds=edit.thresholds(),
                    score_max=edit.form.cleaned_data["score_max"],
                    expected_number=base,
                    by=request.user,
                )
                messages.success(
                    request,
                    _("Version %(number)s of the scheme has been saved. Rounds opened from now on use it.")
                    % {"number": version.number},
                )
                return redirect("followup:scheme", municipality.pk)
            if started.conflict:
                problem, status, base = (
                    " ".join(started.non_field_errors()),
                    started.response_status,
                    current.number,
                )
    return render(
        request,
        "followup/scheme_edit.html",
        {
            "municipality": municipality,
            "current": current,
            "base": base,
            "edit": edit,
            "problem": problem,
            "group_codes": sorted(
                {(f["code"].value() or "") for f in edit.groups.forms} - {""},
            ),
        },
        status=status,
    )
