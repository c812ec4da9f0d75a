from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kedja.core.forms import EmailField
from kedja.core.identifiers import normalise_phone, validate_phone

from .models import User


class SignInForm(AuthenticationForm):
    username = EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail address or password is wrong. Check both and try again. After several failed attempts "
            "sign-in is paused for a while."
        ),
        "inactive": _("This account has been deactivated. Contact your organisation's admin."),
    }


class ResetForm(PasswordResetForm):
    """Django's reset form with the address in its canonical form; the e-mail itself goes out through the
    task worker (kedja.accounts.tasks), so the answer takes as long for an unknown address as for a known one."""

    email = EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """In the person's own language (the worker has no request to take one from)."""
        with translation.override(getattr(context.get("user"), "language", "") or settings.LANGUAGE_CODE):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "language"]

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data.get("phone", ""))
        if phone:
            validate_phone(phone)
        return phone

    def clean_language(self):
        language = self.cleaned_data["language"]
        if language not in dict(settings.LANGUAGES):
            raise forms.ValidationError(_("Choose one of the listed languages."))
        return language


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app (spaces are allowed: apps often show "123 456")."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits. A new code appears in the app every 30 seconds."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off"}
        ),
        error_messages={"required": _("Enter the six-digit code from your authenticator app.")},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("The code is six digits, like 123456."))
        return code


class PasswordFirstMixin:
    """A password the rules refuse ("too common", "too short") is reported beside the new password, where
    it was typed, not beside its repetition."""

    def validate_password_for_user(self, user, password_field_name=None):
        return super().validate_password_for_user(user, "new_password1")


class NewPasswordForm(PasswordFirstMixin, SetPasswordForm):
    """The new password set through the e-mailed reset link."""


class ChangePasswordForm(PasswordFirstMixin, PasswordChangeForm):
    """A signed-in person changing their password (the old one first)."""
