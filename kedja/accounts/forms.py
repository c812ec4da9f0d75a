from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kedja.core.identifiers import normalise_phone, validate_phone

from .models import User


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
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
