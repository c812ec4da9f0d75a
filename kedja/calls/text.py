"""A call's description: limited Markdown (paragraphs, lists, emphasis, links, headings) rendered with raw
HTML switched off, then sanitised once more with nh3, so nothing an organiser writes can run as script.

Dates in a call's text come from its fields: `{opens}`, `{closes}` and `{decision_by}` in the description are
filled in from the call whenever it is shown (`render_description`), in the site's language (the call's
text is written in it), so "Ansök senast {closes}" always says what the server does. A date written out in a
sentence about applying or the decision that differs from the fields is reported by `date_warnings`
(shown on the details and preview pages and when publishing)."""

import re
from datetime import date

import nh3
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

_md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str | None) -> SafeString:
    html = _md.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 — sanitised by nh3 above


PLACEHOLDERS = ("opens", "closes", "decision_by")


def _when(value, fmt: str) -> str:
    return formats.date_format(value, fmt) if value else "–"


def fill_dates(text: str, call) -> str:
    """The text with {opens}, {closes} (date and the last minute, Swedish time) and {decision_by} written
    out from the call's fields, in the site's language."""
    if not text or "{" not in text:
        return text or ""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "opens": _when(call.opens_at and timezone.localtime(call.opens_at), "j F Y H:i"),
            "closes": _when(call.closes_at and timezone.localtime(call.closes_at), "j F Y H:i"),
            "decision_by": _when(call.decision_by, "j F Y"),
        }
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def render_description(call) -> SafeString:
    return render_markdown(fill_dates(call.description, call))


# Month names as a call's text writes them (Swedish, Norwegian bokmål, English); the sentence words below
# mark a sentence about the deadline or the decision.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "januar", "january"),
            ("februari", "februar", "february"),
            ("mars", "march"),
            ("april",),
            ("maj", "mai", "may"),
            ("juni", "june"),
            ("juli", "july"),
            ("augusti", "august"),
            ("september",),
            ("oktober", "october"),
            ("november",),
            ("december", "desember"),
        ),
        start=1,
    )
    for name in names
}
_WRITTEN_DATE = re.compile(
    r"\b(\d{1,2})\.?\s+(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\s+(\d{4})\b"
    r"|\b(\d{4})-(\d{2})-(\d{2})\b",
    re.IGNORECASE,
)
_DEADLINE_WORDS = re.compile(
    r"ansök|ansøk|søk|apply|application|senast|innen|deadline|sista|frist|urval|utvalg|beslut|besked|vedtak"
    r"|decision|selection",
    re.IGNORECASE,
)


def written_dates(text: str) -> list[tuple[date, str, str]]:
    """(date, as written, its sentence) for every date written out in the text."""
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n\s*\n", text or ""):
        for m in _WRITTEN_DATE.finditer(sentence):
            try:
                if m.group(1):
                    day = date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
                else:
                    day = date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
            except ValueError:
                continue
            found.append((day, m.group(0), sentence))
    return found


def date_warnings(call) -> list[str]:
    """A message for each date written in the description, in a sentence about applying or the decision,
    that is none of the call's own dates (opening, closing, decision)."""
    own = {d for d in (call.decision_by,) if d}
    for moment in (call.opens_at, call.closes_at):
        if moment:
            own.add(timezone.localtime(moment).date())
    closes = _when(call.closes_at and timezone.localtime(call.closes_at), "j F Y H:i")
    decision = _when(call.decision_by, "j F Y")
    warnings = []
    for day, written, sentence in written_dates(call.description):
        if day in own or not _DEADLINE_WORDS.search(sentence):
            continue
        warnings.append(
            _(
                "The description says “%(written)s”, but the call closes %(closes)s and the decision is due "
                "%(decision)s. Write {closes} or {decision_by} in the text to show the call's own dates."
            )
            % {"written": written, "closes": closes, "decision": decision}
        )
    return warnings
