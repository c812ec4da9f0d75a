"""The Swedish interface reads as one text: one quotation style (”…”, as Swedish typography writes it) and one
word per concept — checked on the compiled Swedish catalog."""

import gettext
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.tools import require_tools

OTHER_QUOTES = re.compile(r"[“‘’«»]|\"")
TAG = re.compile(r"<[^>]+>")


def swedish_messages() -> dict[str, str]:
    """Kedja's own Swedish messages (its compiled catalog, not Django's), markup removed."""
    path = Path(settings.BASE_DIR) / "kedja" / "locale" / "sv" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    return {
        (key[0] if isinstance(key, tuple) else key): TAG.sub("", value)
        for key, value in catalog.items()
        if key and not (isinstance(key, tuple) and key[1])
    }


def test_swedish_quotes_are_one_style():
    wrong = {
        msgid: text
        for msgid, text in swedish_messages().items()
        if OTHER_QUOTES.search(text) and not text.startswith(("[", "{"))  # a code example keeps its quotes
    }
    assert not wrong, wrong


def test_a_plan_action_is_always_an_aktivitet():
    # Kedja's own catalog: "Action(s)" of the action plan is "aktivitet(er)", never "åtgärd(er)".
    texts = swedish_messages()
    mixed = {m: t for m, t in texts.items() if re.search(r"\bactions?\b", m, re.I) and "åtgärd" in t.lower()}
    mixed.pop("Unknown action.", None)  # a request's action parameter, not a plan's action
    assert not mixed, mixed


@pytest.mark.parametrize("language", ["sv", "nb"])
def test_every_message_has_a_translation_and_none_is_fuzzy(language):
    """With every message of the catalog translated, an English text in the Swedish interface can only be one
    that was never marked for translation, which the crawler (tests/test_crawl.py) looks for."""
    po = Path(settings.BASE_DIR) / "kedja" / "locale" / language / "LC_MESSAGES" / "django.po"
    require_tools("msgfmt", package="gettext")
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr
