from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kedja.organisations import access as organisation_access

from . import attention
from .forms import SwitchForm

ACTIVE_KEY = "kedja_active_membership"


@login_required
def start(request):
    """The start page: what needs my attention, for the role I work as now."""
    membership = organisation_access.active_membership(request.user, request.session)
    if membership:
        items = attention.for_membership(request.user, membership)
    else:
        items = attention.personal_items(request.user)
    return render(request, "home/start.html", {"membership": membership, "items": items})


@login_required
@require_POST
def switch_organisation(request):
    """Choose which of my memberships I work as; only my own memberships can be chosen."""
    form = SwitchForm(request.POST)
    wanted = form.cleaned_data["membership"] if form.is_valid() else None
    chosen = organisation_access.get_own_membership(request.user, wanted)
    request.session[ACTIVE_KEY] = chosen.pk
    messages.success(request, chosen.now_working_as())
    nxt = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        nxt = "home:start"
    return redirect(nxt)
