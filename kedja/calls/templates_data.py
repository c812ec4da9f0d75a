"""Shipped call templates (kedja/calls/data/templates/<key>.yaml): a call's text, form fields, criteria and
the programme that follows, ready to copy into a new call. The reference template is maths_support_2026
(DOMAIN.md §8).

`load_template(key)` returns a dict with the YAML's keys, times turned into Python values: `opens_at` and
`closes_at` aware datetimes (written as local Europe/Stockholm time), `decision_by` a date, and in
`programme` the dates as `date`, meeting `starts`/`ends` as `time` (a meeting without a date has a `month`).
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


def _local(value) -> datetime:
    return datetime.fromisoformat(str(value)).replace(tzinfo=STOCKHOLM)


@cache
def _read(key: str) -> dict:
    if key not in template_keys():
        raise UnknownTemplate(key)
    with (TEMPLATE_DIR / f"{key}.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_template(key: str) -> dict:
    """The template `key` as a fresh dict (callers may change it). UnknownTemplate for an unknown key."""
    raw = _read(key)
    data = {k: v for k, v in raw.items() if k not in ("fields", "criteria", "programme")}
    data["opens_at"] = _local(raw["opens_at"])
    data["closes_at"] = _local(raw["closes_at"])
    data["decision_by"] = _date(raw.get("decision_by"))
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
            programme[name] = _date(programme.get(name))
        programme["meetings"] = [
            {
                "title": m["title"],
                "date": _date(m.get("date")),
                "month": _date(m.get("month")),
                "starts": _time(m.get("starts")),
                "ends": _time(m.get("ends")),
                "place": m.get("place") or "",
            }
            for m in programme.get("meetings", [])
        ]
    data["programme"] = programme
    return data
