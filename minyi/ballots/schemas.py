"""Poll configuration as validated pydantic models, stored as JSON on the poll, turned into tally rules.

Every number here is configuration; the defaults are the seeds' values (P2: more than half of all
deputies; E3: ≥80 满意, 60–80 基本满意, <60 不满意).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from minyi.ballots import tally

Weight = Annotated[Decimal, Field(gt=0, max_digits=8, decimal_places=4)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ThresholdInput(_Strict):
    numerator: int = Field(default=1, ge=0)
    denominator: int = Field(default=2, ge=1)
    strict: bool = True  # True: "more than" (过半数); False: "at least" (三分之二以上, 含本数)

    @model_validator(mode="after")
    def _fraction(self) -> ThresholdInput:
        if self.numerator > self.denominator:
            raise ValueError("numerator must not exceed denominator")
        return self

    def to_tally(self) -> tally.Threshold:
        return tally.Threshold(self.numerator, self.denominator, self.strict)


class MajorityRuleInput(_Strict):
    base: tally.Base = tally.Base.YES_NO
    threshold: ThresholdInput = Field(default_factory=ThresholdInput)

    def to_tally(self) -> tally.MajorityRule:
        return tally.MajorityRule(base=self.base, threshold=self.threshold.to_tally())


class ChooseRuleInput(_Strict):
    seats: int = Field(ge=1)
    base: tally.Base = tally.Base.ELECTORATE
    threshold: ThresholdInput = Field(default_factory=ThresholdInput)
    tie_rule: tally.TieRule = tally.TieRule.RUNOFF

    @field_validator("base")
    @classmethod
    def _base(cls, value: tally.Base) -> tally.Base:
        if value is tally.Base.YES_NO:
            raise ValueError("a competitive vote counts ballots, members present or the electorate")
        return value

    def to_tally(self) -> tally.ChooseRule:
        return tally.ChooseRule(
            seats=self.seats, base=self.base, threshold=self.threshold.to_tally(), tie_rule=self.tie_rule
        )


class CriterionInput(_Strict):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=100)
    weight: Weight = Decimal(1)


class RaterGroupInput(_Strict):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=100)
    weight: Weight
    criteria: list[CriterionInput] = Field(min_length=1)
    roles: list[str] = []  # who rates in this group when no list is given at opening

    @field_validator("criteria")
    @classmethod
    def _unique(cls, value: list[CriterionInput]) -> list[CriterionInput]:
        if len({c.code for c in value}) != len(value):
            raise ValueError("criterion codes must be unique")
        return value


class GradeBandInput(_Strict):
    minimum: Annotated[Decimal, Field(ge=0, le=100)]
    label: str = Field(min_length=1, max_length=40)


SEED_BANDS = [GradeBandInput(minimum=Decimal(int(b.minimum)), label=b.label) for b in tally.SEED_GRADE_BANDS]


class ScoreRuleInput(_Strict):
    groups: list[RaterGroupInput] = Field(min_length=1)
    empty_group: tally.EmptyGroupRule = tally.EmptyGroupRule.REWEIGHT
    bands: list[GradeBandInput] = SEED_BANDS

    @field_validator("groups")
    @classmethod
    def _unique(cls, value: list[RaterGroupInput]) -> list[RaterGroupInput]:
        if len({g.code for g in value}) != len(value):
            raise ValueError("rater group codes must be unique")
        return value

    @field_validator("bands")
    @classmethod
    def _bands(cls, value: list[GradeBandInput]) -> list[GradeBandInput]:
        if not value or min(b.minimum for b in value) != 0:
            raise ValueError("grade bands must cover every score from 0")
        return value

    def to_tally(self) -> tally.ScoreRule:
        return tally.ScoreRule(
            groups=tuple(
                tally.RaterGroup(
                    code=g.code,
                    weight=Fraction(g.weight),
                    criteria=tuple(tally.Criterion(c.code, Fraction(c.weight)) for c in g.criteria),
                )
                for g in self.groups
            ),
            empty_group=self.empty_group,
            bands=tuple(tally.GradeBand(Fraction(b.minimum), b.label) for b in self.bands),
        )


RULE_INPUTS: dict[str, type[MajorityRuleInput] | type[ChooseRuleInput] | type[ScoreRuleInput]] = {
    "yes_no": MajorityRuleInput,
    "choose": ChooseRuleInput,
    "score": ScoreRuleInput,
}

# Named majority rules a form can offer; each is only a MajorityRuleInput (docs/ballots.md).
MAJORITY_PRESETS: dict[str, MajorityRuleInput] = {
    "yes_over_no": MajorityRuleInput(base=tally.Base.YES_NO),
    "half_of_cast": MajorityRuleInput(base=tally.Base.CAST),
    "half_of_present": MajorityRuleInput(base=tally.Base.PRESENT),
    "half_of_all": MajorityRuleInput(base=tally.Base.ELECTORATE),
    "two_thirds_of_cast": MajorityRuleInput(
        base=tally.Base.CAST, threshold=ThresholdInput(numerator=2, denominator=3, strict=False)
    ),
    "two_thirds_of_present": MajorityRuleInput(
        base=tally.Base.PRESENT, threshold=ThresholdInput(numerator=2, denominator=3, strict=False)
    ),
    "two_thirds_of_all": MajorityRuleInput(
        base=tally.Base.ELECTORATE, threshold=ThresholdInput(numerator=2, denominator=3, strict=False)
    ),
}


def rule_input(method: str, data: dict) -> MajorityRuleInput | ChooseRuleInput | ScoreRuleInput:  # type: ignore[type-arg]
    return RULE_INPUTS[method].model_validate(data)
