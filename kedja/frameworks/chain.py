"""The education chain and its target groups (docs/gap-analysis.md), and where a framework's areas and items apply
on it (docs/framework-format.md, "Where a node applies").

Frameworks name stages and target groups in their files, so the codes live here, below the apps that map
initiatives and rank gaps along the chain. Plain values and functions, no database.

A node applies
- to the **whole organisation** (`{"scope": "organisation"}`): judged once for the municipality, never per
  stage — e.g. strategic governance;
- or to some **stages** and/or **target groups** (`{"stages": [...], "target_groups": [...]}`), a missing
  list meaning every one;
- or, with no `applies` of its own, wherever its parent applies (an area with none applies everywhere).

A framework version also says which stage × target-group combinations exist (`target_group_stages`: target
group → the stages it exists in; a group not named exists at every stage): young people neither working nor
studying have no preschool.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The education chain, left to right."""

    PRESCHOOL = "preschool", _("Preschool")
    F3 = "f3", _("School years F–3")
    Y4_6 = "y4_6", _("School years 4–6")
    Y7_9 = "y7_9", _("School years 7–9")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    ADULT = "adult", _("Adult education (komvux)")
    YH = "yh", _("Higher vocational (YH)")
    FOLK_HIGH_SCHOOL = "folk_high_school", _("Folk high school")
    UNIVERSITY = "university", _("University")
    WORKING_LIFE = "working_life", _("Working life")


class TargetGroup(models.TextChoices):
    ALL = "all", _("All")
    GIRLS_WOMEN = "girls_women", _("Girls/women")
    BOYS_MEN = "boys_men", _("Boys/men")
    NO_STUDY_TRADITION = "no_study_tradition", _("Students from homes without study tradition")
    NEWLY_ARRIVED = "newly_arrived", _("Newly arrived")
    NEET = "neet", _("Young people neither working nor studying")
    DISABILITIES = "disabilities", _("People with disabilities")
    PARENTS = "parents", _("Parents")
    STAFF = "staff", _("Teachers/staff")


# The "stage" of a cell that is judged once for the whole organisation (a municipality-wide area).
WHOLE = "whole"
WHOLE_LABEL = _("Whole municipality")
ORGANISATION = "organisation"


def stage_label(code: str) -> str:
    if code == WHOLE:
        return str(WHOLE_LABEL)
    return str(Stage(code).label) if code in Stage.values else code


@dataclass(frozen=True)
class Applies:
    """Where a node applies: the whole organisation, or these stages and target groups (None: all)."""

    organisation: bool = False
    stages: tuple[str, ...] | None = None
    target_groups: tuple[str, ...] | None = None

    @classmethod
    def from_data(cls, data: dict | None) -> "Applies | None":
        """None when the node says nothing (it inherits its parent's)."""
        if not data:
            return None
        if data.get("scope") == ORGANISATION:
            return cls(organisation=True)
        stages, groups = data.get("stages"), data.get("target_groups")
        return cls(
            stages=tuple(stages) if stages is not None else None,
            target_groups=tuple(groups) if groups is not None else None,
        )

    def at_stage(self, stage: str) -> bool:
        return not self.organisation and (self.stages is None or stage in self.stages)

    def for_group(self, group: str) -> bool:
        return self.target_groups is None or group in self.target_groups


EVERYWHERE = Applies()


def effective(own: dict | None, parent: Applies | None) -> Applies:
    """A node's applies: what it says itself, the rest as its parent (an area's parent: everywhere). An item
    naming only target groups keeps its area's stages; under a municipality-wide area it stays one."""
    parent = parent or EVERYWHERE
    mine = Applies.from_data(own)
    if mine is None:
        return parent
    return Applies(
        organisation=mine.organisation or parent.organisation,
        stages=mine.stages if mine.stages is not None else parent.stages,
        target_groups=mine.target_groups if mine.target_groups is not None else parent.target_groups,
    )


def area_stages(applies: Applies, stages: list[str]) -> list[str]:
    """The cells an area has along the chain: [WHOLE] for a municipality-wide area, else its stages in
    chain order."""
    if applies.organisation:
        return [WHOLE]
    return [s for s in stages if applies.at_stage(s)]


def group_exists(target_group_stages: dict, *, stage: str, group: str) -> bool:
    """Whether the stage × target-group cell exists (a group the framework does not name exists everywhere)."""
    allowed = (target_group_stages or {}).get(group)
    return allowed is None or stage in allowed
