from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from PIL import Image

from kedja.accounts.models import User
from kedja.core.forms import EmailField, UploadField, VersionedForm
from kedja.core.identifiers import normalise_org_number

from .models import Organisation
from .roles import Role

LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG"}
LOGO_EXTENSIONS = ("png", "jpg", "jpeg")


class OrganisationForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "org_number", "school_unit_code", "email", "website", "logo"]
        help_texts = {
            "org_number": _("Sweden: ten digits, NNNNNN-NNNN. Norway: nine digits."),
            "school_unit_code": _("Eight digits, from the national school register."),
        }

    # Checked by core.uploads.check_upload: size first (a 30 MB file is "too large"), then name and content
    # must agree — a JPEG named .png is refused with a message saying it is a JPEG, like any other mismatch.
    # A plain file input: the media folder is not served, so no "currently" link to the stored file.
    logo = UploadField(
        label=capfirst(_("logo")),
        required=False,
        extensions=LOGO_EXTENSIONS,
        max_bytes=LOGO_MAX_BYTES,
        wrong_type=_("The logo must be a PNG or JPEG image."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG, at most 1 MB. Shown on the strategy and follow-up documents."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind != "school_unit":
            del self.fields["school_unit_code"]
        if not self.instance.logo:
            del self.fields["remove_logo"]
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean_logo(self):
        """Size, name and first bytes are checked by the field; here Pillow must also read the whole image."""
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # no new file: the stored logo (or none) stays
        try:
            logo.seek(0)
            with Image.open(logo) as image:
                image_format = image.format
                image.verify()
        except Exception as error:  # Pillow raises many kinds for a broken file
            raise forms.ValidationError(
                _("The file is not a readable image. Upload a PNG or JPEG file."), code="invalid_image"
            ) from error
        finally:
            logo.seek(0)
        if image_format not in LOGO_FORMATS:
            raise forms.ValidationError(_("The logo must be a PNG or JPEG image."), code="format")
        return logo

    def clean(self):
        data = super().clean()
        if data.get("remove_logo") and not isinstance(data.get("logo"), UploadedFile):
            data["logo"] = False  # the model field then clears the stored file name
        return data

    def clean_org_number(self):
        value = self.cleaned_data.get("org_number", "")
        return value.replace(" ", "") if self.instance.country == "NO" else normalise_org_number(value)


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]


class MembershipForm(VersionedForm):
    role = forms.ChoiceField(label=_("Role"))
    title = forms.CharField(label=_("Title"), max_length=120, required=False)

    def __init__(self, *args, roles: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. Common passwords are not accepted."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                validate_password(p1, User(email=self.email, full_name=data.get("full_name", "")))
            except forms.ValidationError as e:
                self.add_error("password1", e)
        return data
