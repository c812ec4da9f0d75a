"""Sign-in, sign-out, password reset and the "my account" page."""

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import actions, second_factor
from .forms import AccountForm, ChangePasswordForm, CodeForm, NewPasswordForm, ResetForm, SignInForm
from .models import UserSession
from .sessions import record_session
from .tasks import send_password_reset


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)  # django.contrib.auth.login() has given the session a new key
        user = form.get_user()
        record_session(user, self.request.session, user_agent=self.request.headers.get("User-Agent", ""))
        translation.activate(user.language)
        response.set_cookie("django_language", user.language, samesite="Lax", httponly=True)
        return response


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView): the session row is deleted on the server."""

    def post(self, request, *args, **kwargs):
        key = request.session.session_key
        response = super().post(request, *args, **kwargs)
        if key:
            UserSession.objects.filter(session_key=key).delete()
        messages.success(request, _("You have signed out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Enqueues the e-mail (accounts.tasks.send_password_reset) for any well-formed address and answers
    at once: the same work and the same answer whether the address has an account or not."""

    template_name = "accounts/password_reset.html"
    form_class = ResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        send_password_reset.enqueue(
            form.cleaned_data["email"], get_current_site(self.request).domain, self.request.is_secure()
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False
    form_class = NewPasswordForm

    def form_valid(self, form):
        """A new password set through the e-mailed link also lifts a sign-in lockout, as the lockout page
        promises: whoever reads the person's e-mail could set it anyway."""
        response = super().form_valid(form)
        axes_reset(username=form.user.email)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Other sessions no longer match the password hash: end them on the server too.
        actions.end_sessions(self.request.user, keep=self.request.session.session_key)
        record_session(self.request.user, self.request.session)
        messages.success(self.request, _("Your password has been changed. Other sessions were signed out."))
        return response


@login_required
def account(request):
    """My account: name, phone, language, password, and where I am signed in."""
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        actions.update_account(request.user, data=form.cleaned_data, by=request.user)
        translation.activate(request.user.language)
        messages.success(request, _("Your details have been saved."))
        response = redirect("accounts:account")
        response.set_cookie("django_language", request.user.language, samesite="Lax", httponly=True)
        return response
    return render_account(request, form=form)


def render_account(request, *, form=None, remove_form=None, status=200):
    """The account page; the second-factor removal view shows it again with the code's error."""
    return render(
        request,
        "accounts/account.html",
        {
            "form": form or AccountForm(instance=request.user),
            "sessions": request.user.sessions.all(),
            "current_key": request.session.session_key,
            "second_factor": second_factor.confirmed_device(request.user),
            "second_factor_verified": second_factor.is_verified(request),
            "remove_form": remove_form or CodeForm(auto_id="id_remove_%s"),
        },
        status=status,
    )


@login_required
@require_POST
def end_other_sessions(request):
    """Sign out everywhere else: every other session of mine is deleted on the server."""
    ended = actions.end_sessions(request.user, keep=request.session.session_key)
    messages.success(
        request,
        ngettext("Signed out of %(n)d other session.", "Signed out of %(n)d other sessions.", ended)
        % {"n": ended},
    )
    return redirect("accounts:account")
