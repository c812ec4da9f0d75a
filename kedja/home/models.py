"""Pages a public-sector service must have, linked from the footer of every page: the accessibility statement
and the privacy notice. Kedja ships a text for each in every language (kedja/home/pages/); the organisation
running Kedja replaces it by writing its own version in the admin, one per language."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SitePage(models.Model):
    class Key(models.TextChoices):
        ACCESSIBILITY = "accessibility", _("Accessibility statement")
        PRIVACY = "privacy", _("Privacy notice")

    key = models.CharField(_("page"), max_length=20, choices=Key.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_("Markdown: paragraphs, ## headings, lists, links. Replaces the text Kedja ships."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="home_sitepage_one_per_language")
        ]

    def __str__(self):
        return f"{self.get_key_display()} ({self.language})"
