"""Who may reach the action plan (kedja/plans/urls_plan.py).

The plan follows the goals (tests/matrix_indicators.py): everyone in Norrby kommun or below and the regional
officer see the municipality's plan, its coverage, its adopted versions and its Excel file; the coordinator,
head of schools and admin change it (the others who see it get 403); the partner and the outsider get 404.
"""

from datetime import date

from kedja.plans.factories import make_action, make_plan_version
from tests.matrix_base import Entry, org_of
from tests.matrix_indicators import EDITS, SEES

FORBIDDEN = SEES - EDITS


def action_of_municipality(w):
    return [make_action(w.municipality, title="Teknikdagar i åk 8").pk]


def version_of_municipality(w):
    make_action(w.municipality, title="Teknikdagar i åk 8")
    return [make_plan_version(w.municipality, adopted_on=date(2026, 2, 1)).pk]


ENTRIES = {
    "plans:plan": Entry("get", org_of("municipality"), SEES),
    "plans:plan_xlsx": Entry("get", org_of("municipality"), SEES),
    "plans:coverage": Entry("get", org_of("municipality"), SEES),
    "plans:coverage_xlsx": Entry("get", org_of("municipality"), SEES),
    "plans:versions": Entry("get", org_of("municipality"), SEES),
    "plans:version": Entry("get", version_of_municipality, SEES),
    "plans:version_changes_xlsx": Entry("get", version_of_municipality, SEES),
    "plans:action_create": Entry("get", org_of("municipality"), EDITS, forbidden=FORBIDDEN),
    "plans:action_edit": Entry("get", action_of_municipality, EDITS, forbidden=FORBIDDEN),
    "plans:action_delete": Entry("post", action_of_municipality, EDITS, forbidden=FORBIDDEN, ok=302),
    "plans:from_gaps": Entry("get", org_of("municipality"), EDITS, forbidden=FORBIDDEN),
    "plans:adopt": Entry("get", org_of("municipality"), EDITS, forbidden=FORBIDDEN),
}
