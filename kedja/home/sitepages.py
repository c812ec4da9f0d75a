"""The text of a site page (accessibility statement, privacy notice) in a language: the organisation's own
version when it has written one, otherwise the text Kedja ships. `{contact}` in a shipped text becomes the
contact address from the settings (KEDJA_CONTACT_EMAIL)."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils.safestring import SafeString

from kedja.calls.text import render_markdown

from .models import SitePage

SHIPPED = Path(__file__).resolve().parent / "pages"


@dataclass(frozen=True)
class Content:
    title: str
    html: SafeString
    updated: datetime | None  # None: the shipped text


def shipped_text(key: str, language: str) -> tuple[str, str]:
    """(title, Markdown body) of the shipped page; the first line of the file is its '# Title'."""
    path = SHIPPED / f"{key}.{language}.md"
    if not path.is_file():
        path = SHIPPED / f"{key}.{settings.LANGUAGE_CODE}.md"
    first, _, body = path.read_text(encoding="utf-8").partition("\n")
    return first.removeprefix("# ").strip(), body.replace("{contact}", settings.KEDJA_CONTACT_EMAIL)


def page_content(key: str, language: str) -> Content:
    own = SitePage.objects.filter(key=key, language=language).first()
    if own is not None:
        return Content(own.title, render_markdown(own.body), own.updated_at)
    title, body = shipped_text(key, language)
    return Content(title, render_markdown(body), None)
