"""Shipped call templates (kedja/calls/data/templates/<key>.yaml): a call's text, form fields, criteria and
the programme that follows, ready to copy into a new call. The reference template is maths_support_2026
(docs/domain.md, "Calls").

`load_template(key)` returns a dict with the YAML's keys, times turned into Python values: `opens_at` and
`closes_at` aware datetimes (written as local Europe/Stockholm time), `decision_by` a date, and in
`programme` the dates as `date`, meeting `starts`/`ends` as `time` (a meeting without a date has a `month`).

A template is written for one year (the year its call opens). `load_template(key)` moves every date forward
by whole years until the call would not open in the past, and writes the year into the texts' `{year}` and
`{next_year}`; `load_template(key, year=2026)` gives it for that year (the programme of a call uses the year
its call opens in: `year_of(call)`). The description's `{opens}`, `{closes}` and `{decision_by}` are left
for kedja.calls.text to fill in from the call's fields.
"""

from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

TEMPLATE_DIR = Path(__file__).parent / "data" / "templates"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


class UnknownTemplate(LookupError):
    """No shipped call template has this key."""


def template_keys() -> list[str]:
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.yaml"))


def available_templates() -> list[tuple[str, str]]:
    """(key, title) of every shipped template, for a choice."""
    return [(key, load_template(key)["title"]) for key in template_keys()]


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _time(value) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, int):  # YAML 1.1 reads 09:00 unquoted as sexagesimal minutes
        return time(value // 60, value % 60)
    return time.fromisoformat(str(value))


def _local(value, shift: int = 0) -> datetime:
    local = datetime.fromisoformat(str(value))
    return local.replace(year=local.year + shift, tzinfo=STOCKHOLM)


def _shifted(value: date | None, shift: int) -> date | None:
    return value.replace(year=value.year + shift) if value else None


def base_year(key: str) -> int:
    """The year the template is written for: the year its call opens."""
    return datetime.fromisoformat(str(_read(key)["opens_at"])).year


def year_of(call) -> int:
    """The template year of a call made from a template: the year it opens (Swedish time)."""
    from django.utils import timezone

    return timezone.localtime(call.opens_at, STOCKHOLM).year


def _default_year(key: str, today: date | None) -> int:
    from django.utils import timezone

    today = today or timezone.localdate()
    opens = datetime.fromisoformat(str(_read(key)["opens_at"])).date()
    year = opens.year
    while opens.replace(year=year) < today:
        year += 1
    return year


def _years(value, year: int):
    """The text(s) with {year} and {next_year} written out, recursively through lists and dicts."""
    if isinstance(value, str):
        return value.replace("{year}", str(year)).replace("{next_year}", str(year + 1))
    if isinstance(value, list):
        return [_years(v, year) for v in value]
    if isinstance(value, dict):
        return {k: _years(v, year) for k, v in value.items()}
    return value


@cache
def _read(key: str) -> dict:
    if key not in template_keys():
        raise UnknownTemplate(key)
    with (TEMPLATE_DIR / f"{key}.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_template(key: str, *, year: int | None = None, today: date | None = None) -> dict:
    """The template `key` as a fresh dict (callers may change it) for `year` (by default the first year
    whose opening day is not before `today`). UnknownTemplate for an unknown key."""
    raw = _read(key)
    year = year if year is not None else _default_year(key, today)
    shift = year - base_year(key)
    raw = _years(
        {k: v for k, v in raw.items() if k not in ("opens_at", "closes_at", "decision_by")}, year
    ) | {k: raw[k] for k in ("opens_at", "closes_at", "decision_by") if k in raw}
    data = {k: v for k, v in raw.items() if k not in ("fields", "criteria", "programme")}
    data["opens_at"] = _local(raw["opens_at"], shift)
    data["closes_at"] = _local(raw["closes_at"], shift)
    data["decision_by"] = _shifted(_date(raw.get("decision_by")), shift)
    data["fields"] = [
        {
            "key": f["key"],
            "kind": f["kind"],
            "label": f["label"],
            "help_text": f.get("help_text", ""),
            "required": f.get("required", f["kind"] != "heading"),
            "max_chars": f.get("max_chars"),
            "choices": list(f.get("choices", [])),
        }
        for f in raw.get("fields", [])
    ]
    data["criteria"] = [
        {
            "title": c["title"],
            "guidance": c.get("guidance", ""),
            "weight": c.get("weight", 1),
            "max_score": c.get("max_score", 5),
        }
        for c in raw.get("criteria", [])
    ]
    programme = dict(raw.get("programme") or {})
    if programme:
        for name in ("starts", "ends", "deliverable_due"):
            programme[name] = _shifted(_date(programme.get(name)), shift)
        programme["meetings"] = [
            {
                "title": m["title"],
                "date": _shifted(_date(m.get("date")), shift),
                "month": _shifted(_date(m.get("month")), shift),
                "starts": _time(m.get("starts")),
                "ends": _time(m.get("ends")),
                "place": m.get("place") or "",
            }
            for m in programme.get("meetings", [])
        ]
    data["programme"] = programme
    return data
