"""Views ask the access layer; they never decide access by themselves.

Each app's `access.py` says who may see and do what (built on organisations.access); a view loads its objects
with the app's getters (404 for outsiders, 403 for insiders without the right) and asks `require` for checks
after loading. So a views module must not:
- raise PermissionDenied itself, or turn one into a 404 (`except PermissionDenied: raise Http404`);
- filter by the organisation tree or by memberships on its own (`path__startswith`, `organisation__path…`,
  `memberships__…` lookups, or walking `memberships(...)`), which is how "which objects" sets drift apart.
The import contract (pyproject.toml) keeps the access modules from importing views; this test also checks
that the contract names every views module, so a new one cannot slip past it.
"""

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIEWS = sorted(p for p in (ROOT / "kedja").glob("*/views*.py") if p.parent.name != "core")
TREE_LOOKUPS = ("path__startswith", "__path", "memberships__", "membership__")
MEMBERSHIP_WALKERS = {"memberships", "roles_at", "roles_here"}


def _name(node) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return getattr(node, "id", "")


def problems_in(source: str) -> list[tuple[int, str]]:
    """(line, what) for every place a views module decides access by itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and node.exc is not None and _name(node.exc) == "PermissionDenied":
            found.append((node.lineno, "raises PermissionDenied"))
        elif isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            answers_404 = any(
                isinstance(inner, ast.Raise) and inner.exc is not None and _name(inner.exc) == "Http404"
                for inner in ast.walk(ast.Module(body=node.body, type_ignores=[]))
            )
            if answers_404 and any(_name(c) == "PermissionDenied" for c in caught):
                found.append((node.lineno, "turns PermissionDenied into a 404"))
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg and any(lookup in keyword.arg for lookup in TREE_LOOKUPS):
                    found.append((node.lineno, f"filters by the organisation tree ({keyword.arg})"))
            if _name(node.func) in MEMBERSHIP_WALKERS:
                found.append((node.lineno, f"walks the person's memberships ({_name(node.func)})"))
    return sorted(found)


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_module_leaves_access_to_the_access_layer(path):
    found = problems_in(path.read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in found)


def test_the_check_finds_each_kind_of_home_made_access():
    source = """
def a(request, org):
    if not request.user.has_perm("x", org):
        raise PermissionDenied()

def b(request):
    try:
        rows = reading.group_rows(request.user)
    except PermissionDenied:
        raise Http404() from None

def c(org):
    return Initiative.objects.filter(municipality__path__startswith=org.path)

def d(user):
    return [m.organisation for m in memberships(user)]
"""
    kinds = [what.split(" (")[0] for _line, what in problems_in(source)]
    assert kinds == [
        "raises PermissionDenied",
        "turns PermissionDenied into a 404",
        "filters by the organisation tree",
        "walks the person's memberships",
    ]
    assert problems_in("def ok(request):\n    raise Http404()\n") == []


def test_the_import_contract_names_every_views_module():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["name"] == "access rules and domain modules never import views"
    )
    forbidden = set(contract["forbidden_modules"])
    named = {".".join(p.relative_to(ROOT).with_suffix("").parts) for p in VIEWS}
    missing = sorted(m for m in named if m not in forbidden and not m.startswith("kedja.home."))
    assert not missing, f"add these views modules to the contract in pyproject.toml: {missing}"
    access_modules = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "kedja").glob("*/access.py")
    }
    assert access_modules <= set(contract["source_modules"])
