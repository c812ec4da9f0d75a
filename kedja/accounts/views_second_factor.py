"""Setting up, checking and removing the second factor (rules in accounts.second_factor)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kedja.core.forms import NextForm

from . import second_factor
from .forms import CodeForm
from .second_factor import Check, Outcome
from .views import render_account


def _code_error(result: Check) -> str:
    if result.outcome is Outcome.THROTTLED:
        return ngettext(
            "Too many wrong codes in a row. Wait %(n)d second, then try again with the newest code.",
            "Too many wrong codes in a row. Wait %(n)d seconds, then try again with the newest code.",
            result.wait_seconds,
        ) % {"n": result.wait_seconds}
    return _(
        "That code is not right. Use the newest code your app shows for Kedja; each code works only once."
    )


def _next(request, default: str) -> str:
    wanted = NextForm(request.POST).next_url or NextForm(request.GET).next_url
    return second_factor.safe_next(request, wanted or None, default)


@login_required
def setup(request):
    """A new authenticator: QR code and key, confirmed with a code. An existing factor is replaced only when
    the new one is confirmed, and only from a session that has proved the existing one."""
    user = request.user
    next_url = _next(request, reverse("accounts:account"))
    if second_factor.has_device(user) and not second_factor.is_verified(request):
        messages.info(request, _("Enter a code from your current authenticator before setting up a new one."))
        return redirect(
            f"{reverse('accounts:second_factor_verify')}?{urlencode({'next': request.get_full_path()})}"
        )
    device = second_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor.confirm_enrolment(user, device.pk, form.cleaned_data["code"])
        if result.ok:
            device.refresh_from_db()
            second_factor.mark_verified(request, device)
            messages.success(
                request, _("Your second factor is set up. Kedja will ask for a code when needed.")
            )
            return redirect(next_url)
        form.add_error("code", _code_error(result))
    qr = second_factor.qr_svg(device, title=_("QR code for your authenticator app"))
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr": qr,
            "secret": second_factor.secret_groups(device),
            "replacing": second_factor.has_device(user),
        },
    )


@login_required
def verify(request):
    """Enter a code to prove the second factor for this session, then go on to `next` (this site only)."""
    user = request.user
    next_url = _next(request, reverse("home:start"))
    if not second_factor.has_device(user):
        return redirect(f"{reverse('accounts:second_factor_setup')}?{urlencode({'next': next_url})}")
    if request.method != "POST" and second_factor.is_verified(request):
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result, device = second_factor.check_code(user, form.cleaned_data["code"])
        if result.ok:
            second_factor.mark_verified(request, device)
            return redirect(next_url)
        form.add_error("code", _code_error(result))
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": next_url})


@login_required
@require_POST
def remove(request):
    """Turn the second factor off; the current code is required."""
    if not second_factor.has_device(request.user):
        messages.info(request, _("You have no second factor to remove."))
        return redirect("accounts:account")
    form = CodeForm(request.POST, auto_id="id_remove_%s")
    if form.is_valid():
        result = second_factor.remove(request.user, form.cleaned_data["code"])
        if result.ok:
            messages.success(request, _("Your second factor has been removed."))
            return redirect("accounts:account")
        form.add_error("code", _code_error(result))
    return render_account(request, remove_form=form)
