"""The framework file format (docs/framework-format.md): read, check, write.

A file is YAML or JSON. Every error is reported with where it is (line, and the path inside the file,
e.g. `nodes[2].children[0].title`), all errors at once; a file with any error imports nothing.
"""

import json
import re
from dataclasses import dataclass, field

import yaml
from django.utils.translation import gettext as _

from .chain import ORGANISATION, Stage, TargetGroup

FORMAT_VERSION = 1
LANGUAGES = ("sv", "nb", "en")
NUMBER_RE = re.compile(r"^[0-9A-Za-z]{1,12}$")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
KINDS = ("area", "group", "item")
MAX_NODES = 2000
MAX_TEXT = 4000
MAX_DEPTH = 6  # Node.code holds 80 characters: six 12-character numbers and their dots


class FormatError(Exception):
    def __init__(self, problems: list["Problem"]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    where: str
    line: int | None
    message: str

    def __str__(self):
        place = f"{_('line')} {self.line}, {self.where}" if self.line else self.where
        return f"{place}: {self.message}"


@dataclass
class ParsedNode:
    number: str
    kind: str
    title: dict
    summary: dict
    children: list["ParsedNode"] = field(default_factory=list)
    applies: dict = field(
        default_factory=dict
    )  # {} (as its parent), {"scope": "organisation"} or stages/groups


@dataclass
class ParsedFramework:
    key: str
    title: dict
    summary: dict
    source: str
    nodes: list[ParsedNode]
    target_group_stages: dict = field(default_factory=dict)  # target group -> the stages it exists in

    def count(self) -> int:
        def walk(nodes):
            return sum(1 + walk(n.children) for n in nodes)

        return walk(self.nodes)


class _AliasError(yaml.MarkedYAMLError):
    """An anchor or alias in an uploaded file (refused: aliases let a tiny file expand without bound)."""


class _TooLarge(Exception):
    """A file with more nodes than a framework may have (counted from the parse events, before building)."""


# libyaml (C) when PyYAML has it: a 1 MB file parses in ~0.3 s instead of ~5 s in pure Python.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# What a file may declare before it is built into Python objects: a node is a mapping with a title mapping
# and perhaps a summary mapping, so MAX_NODES nodes need at most ~4 mappings each; 50 parse events a node
# is far more than any real framework uses.
MAX_MAPPINGS = 4 * MAX_NODES + 20
MAX_EVENTS = 50 * MAX_NODES


class _LineLoader(_BaseLoader):
    """Remembers the line of every mapping, so errors can say where they are."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _check_events(text: str) -> None:
    """Read the file's parse events (fast, nothing is built) and refuse what it declares before loading it:
    any alias (a 1 kB file with aliases can expand to millions of nodes, or loop), too many mappings or
    events in all."""
    mappings = events = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        events += 1
        if isinstance(event, yaml.AliasEvent):
            raise _AliasError(problem="alias", problem_mark=event.start_mark)
        if isinstance(event, yaml.MappingStartEvent):
            mappings += 1
        if mappings > MAX_MAPPINGS or events > MAX_EVENTS:
            raise _TooLarge()


def load_text(text: str) -> dict:
    """YAML (a superset of JSON) into plain data with line numbers; raises FormatError on syntax errors."""
    try:
        _check_events(text)
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except _AliasError as error:
        line = error.problem_mark.line + 1
        raise FormatError(
            [Problem(_("file"), line, _("Anchors and aliases (& and *) are not allowed."))]
        ) from error
    except _TooLarge as error:
        raise FormatError(
            [
                Problem(
                    _("file"),
                    None,
                    _("The file is too large: a framework has at most %(max)s nodes.") % {"max": MAX_NODES},
                )
            ]
        ) from error
    except RecursionError as error:
        raise FormatError([Problem(_("file"), None, _("The file is nested too deeply."))]) from error
    except ValueError as error:  # e.g. a number longer than Python turns into an int (4300 digits)
        raise FormatError(
            [Problem(_("file"), None, _("The file holds a number that is far too long."))]
        ) from error
    except yaml.YAMLError as error:
        if "nesting depth" in str(getattr(error, "problem", "") or ""):  # libyaml's own limit (1000 levels)
            raise FormatError([Problem(_("file"), None, _("The file is nested too deeply."))]) from error
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise FormatError([Problem(_("file"), line, _("The file is not valid YAML or JSON."))]) from error
    if not isinstance(data, dict):
        raise FormatError([Problem(_("file"), None, _("The file must contain one framework (a mapping)."))])
    return data


def _texts(value, where, line, problems, *, required: bool) -> dict:
    if value is None or value == "":
        if required:
            problems.append(Problem(where, line, _("A text is required (at least Swedish, 'sv').")))
        return {}
    if isinstance(value, str):
        value = {"sv": value}
    if not isinstance(value, dict):
        problems.append(Problem(where, line, _("Give the text per language, e.g. {sv: ..., en: ...}.")))
        return {}
    out = {}
    for lang, text in value.items():
        if lang == "__line__":
            continue
        if lang not in LANGUAGES:
            problems.append(Problem(f"{where}.{lang}", line, _("Unknown language; use sv, nb or en.")))
        elif not isinstance(text, str):
            problems.append(Problem(f"{where}.{lang}", line, _("The text must be a string.")))
        elif len(text) > MAX_TEXT:
            problems.append(
                Problem(f"{where}.{lang}", line, _("The text is too long (at most 4000 characters)."))
            )
        elif text.strip():
            out[lang] = text.strip()
    if required and "sv" not in out:
        problems.append(Problem(where, line, _("A text is required (at least Swedish, 'sv').")))
    return out


def _codes(value, known: list[str], where, line, problems) -> list[str]:
    """A list of stage or target-group codes, each known, none twice, in the given order."""
    if not isinstance(value, list) or not value:
        problems.append(Problem(where, line, _("Give a non-empty list, e.g. [y7_9, upper_secondary].")))
        return []
    out = []
    for code in value:
        if not isinstance(code, str) or code not in known:
            problems.append(
                Problem(
                    where,
                    line,
                    _("Unknown code %(code)s; use one of: %(known)s.")
                    % {"code": code, "known": ", ".join(known)},
                )
            )
        elif code not in out:
            out.append(code)
    return [c for c in known if c in out]


def _applies(value, where, line, problems) -> dict:
    """`applies: organisation`, or `applies: {stages: [...], target_groups: [...]}` (either list may be
    left out); nothing means "where the parent applies"."""
    if value is None:
        return {}
    if value == ORGANISATION:
        return {"scope": ORGANISATION}
    if not isinstance(value, dict):
        problems.append(
            Problem(where, line, _("Write organisation, or a mapping with stages and/or target_groups."))
        )
        return {}
    out = {}
    for name in sorted(set(value) - {"stages", "target_groups", "__line__"}):
        problems.append(Problem(f"{where}.{name}", line, _("Unknown field.")))
    if "stages" in value:
        out["stages"] = _codes(value["stages"], list(Stage.values), f"{where}.stages", line, problems)
    if "target_groups" in value:
        out["target_groups"] = _codes(
            value["target_groups"], list(TargetGroup.values), f"{where}.target_groups", line, problems
        )
    if not out and not any(n in value for n in ("stages", "target_groups")):
        problems.append(Problem(where, line, _("Name stages, target_groups or both.")))
    return out


def _target_group_stages(value, line, problems) -> dict:
    """`target_group_stages: {neet: [upper_secondary, ...]}`: the stages each named target group exists in."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem("target_group_stages", line, _("Must be a mapping: target group -> stages.")))
        return {}
    out = {}
    for group, stages in value.items():
        if group == "__line__":
            continue
        where = f"target_group_stages.{group}"
        if group not in TargetGroup.values:
            problems.append(Problem(where, line, _("Unknown target group.")))
            continue
        out[group] = _codes(stages, list(Stage.values), where, line, problems)
    return {g: out[g] for g in TargetGroup.values if g in out}


def _nodes(items, where, problems, *, depth: int) -> list[ParsedNode]:
    if not isinstance(items, list):
        problems.append(Problem(where, None, _("Must be a list.")))
        return []
    if depth >= MAX_DEPTH and items:
        first = items[0] if isinstance(items[0], dict) else {}
        problems.append(Problem(where, first.get("__line__"), _("Nested too deeply (at most 6 levels).")))
        return []
    seen: set[str] = set()
    out = []
    for i, raw in enumerate(items):
        here = f"{where}[{i}]"
        if not isinstance(raw, dict):
            problems.append(Problem(here, None, _("Each entry must be a mapping with number and title.")))
            continue
        line = raw.get("__line__")
        number = str(raw.get("number", "")).strip()
        if not NUMBER_RE.match(number):
            problems.append(
                Problem(f"{here}.number", line, _("A number is required: letters or digits, e.g. 1 or g."))
            )
        elif number in seen:
            problems.append(
                Problem(f"{here}.number", line, _("The number %(n)s is used twice here.") % {"n": number})
            )
        seen.add(number)
        children = _nodes(raw.get("children", []), f"{here}.children", problems, depth=depth + 1)
        default_kind = "area" if depth == 0 else ("group" if children else "item")
        kind = raw.get("kind", default_kind)
        if kind in KINDS and (kind == "area") != (depth == 0):
            problems.append(
                Problem(f"{here}.kind", line, _("Areas are the top level, and only the top level is areas."))
            )
        elif kind not in KINDS:
            problems.append(Problem(f"{here}.kind", line, _("The kind must be area, group or item.")))
        elif kind == "item" and children:
            problems.append(
                Problem(f"{here}.kind", line, _("An item cannot have children; use kind: group."))
            )
        elif kind != "item" and not children:
            problems.append(Problem(f"{here}.children", line, _("An area or group needs at least one item.")))
        unknown = set(raw) - {"number", "kind", "title", "summary", "children", "applies", "__line__"}
        for name in sorted(unknown):
            problems.append(Problem(f"{here}.{name}", line, _("Unknown field.")))
        out.append(
            ParsedNode(
                number=number,
                kind=kind,
                title=_texts(raw.get("title"), f"{here}.title", line, problems, required=True),
                summary=_texts(raw.get("summary"), f"{here}.summary", line, problems, required=False),
                children=children,
                applies=_applies(raw.get("applies"), f"{here}.applies", line, problems),
            )
        )
    return out


def parse(data: dict) -> ParsedFramework:
    """Check a loaded file against the format; raises FormatError listing every problem."""
    problems: list[Problem] = []
    line = data.get("__line__")
    if data.get("kedja_framework") != FORMAT_VERSION:
        problems.append(Problem("kedja_framework", line, _("The file must start with kedja_framework: 1.")))
    key = str(data.get("key", "")).strip()
    if not KEY_RE.match(key):
        problems.append(Problem("key", line, _("A key is required: lower-case letters, digits and hyphens.")))
    nodes = _nodes(data.get("nodes"), "nodes", problems, depth=0)
    if not nodes and data.get("nodes") is not None and not problems:
        problems.append(Problem("nodes", line, _("A framework needs at least one area.")))
    if data.get("nodes") is None:
        problems.append(Problem("nodes", line, _("A framework needs at least one area.")))
    known = {
        "kedja_framework",
        "key",
        "title",
        "summary",
        "source",
        "nodes",
        "target_group_stages",
        "__line__",
    }
    unknown = set(data) - known
    for name in sorted(unknown):
        problems.append(Problem(name, line, _("Unknown field.")))
    parsed = ParsedFramework(
        key=key,
        title=_texts(data.get("title"), "title", line, problems, required=True),
        summary=_texts(data.get("summary"), "summary", line, problems, required=False),
        source=str(data.get("source", "") or ""),
        nodes=nodes,
        target_group_stages=_target_group_stages(data.get("target_group_stages"), line, problems),
    )
    if parsed.count() > MAX_NODES:
        problems.append(Problem("nodes", None, _("Too many nodes (at most 2000).")))
    if problems:
        raise FormatError(problems)
    return parsed


def parse_text(text: str) -> ParsedFramework:
    return parse(load_text(text))


def to_data(version) -> dict:
    """A version as plain data in the file format (for export, and for round-trip tests)."""
    nodes = list(version.nodes.order_by("position"))
    by_parent: dict[int | None, list] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)

    def dump(parent_id):
        out = []
        for n in by_parent.get(parent_id, []):
            entry = {"number": n.number, "kind": n.kind, "title": n.title}
            if n.summary:
                entry["summary"] = n.summary
            if n.applies:
                entry["applies"] = ORGANISATION if n.applies.get("scope") == ORGANISATION else dict(n.applies)
            if n.kind != "item":
                entry["children"] = dump(n.pk)
            out.append(entry)
        return out

    framework = version.framework
    data = {"kedja_framework": FORMAT_VERSION, "key": framework.key, "title": framework.title}
    if framework.summary:
        data["summary"] = framework.summary
    if version.source:
        data["source"] = version.source
    if version.target_group_stages:
        data["target_group_stages"] = dict(version.target_group_stages)
    data["nodes"] = dump(None)
    return data


def to_yaml(version) -> str:
    return yaml.safe_dump(to_data(version), allow_unicode=True, sort_keys=False, width=100)


def to_json(version) -> str:
    return json.dumps(to_data(version), ensure_ascii=False, indent=2)
