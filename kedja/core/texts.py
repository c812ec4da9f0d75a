"""Translatable content (framework titles, summaries): stored as {"sv": ..., "en": ..., "nb": ...}.

Interface strings go through gettext; content written by organisations goes through these dicts, shown in
the reader's language and falling back to Swedish, then to any language present."""

from django.conf import settings
from django.utils import translation


def pick(texts: dict | str | None, language: str | None = None) -> str:
    if not texts:
        return ""
    if isinstance(texts, str):
        return texts
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for candidate in (language, settings.LANGUAGE_CODE, "en"):
        if texts.get(candidate):
            return texts[candidate]
    return next((v for v in texts.values() if v), "")
