"""A password may not be built from the person's own name or e-mail address.

Django's UserAttributeSimilarityValidator compares the whole password with each part of the address, so
"sess1sess1sess1" for sess1@… passes (the part is only a third of the password). This one refuses a
password that contains, in any letter case, the e-mail's local part, or a part of it or of the name, of at
least MIN_PART characters (so "eva@…" or "Eva" alone does not rule out "medieval")."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kedja.core.identifiers import canonical_email

MIN_PART = 4


def personal_parts(user) -> set[str]:
    email = canonical_email(getattr(user, "email", "") or "")
    local = email.split("@", 1)[0]
    name = canonical_email(getattr(user, "full_name", "") or "")
    parts = {part for part in re.split(r"[\W_]+", f"{local} {name}") if len(part) >= MIN_PART}
    return parts | ({local} if len(local) >= MIN_PART else set())


class PersonalInformationValidator:
    def validate(self, password, user=None):
        if user is None:
            return
        folded = canonical_email(password)
        for part in sorted(personal_parts(user), key=len, reverse=True):
            if part in folded:
                raise ValidationError(
                    _(
                        "The password contains your name or the first part of your e-mail address. Choose one "
                        "that does not."
                    ),
                    code="password_personal",
                )

    def get_help_text(self):
        return _("Your password cannot contain your name or the first part of your e-mail address.")
