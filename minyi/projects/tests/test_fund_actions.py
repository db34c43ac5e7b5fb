"""P6: verification, weighted screening, the chair meeting within the total, delivery and publication."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.models import Event
from minyi.projects.delivery.models import Delivery
from minyi.projects.fund.actions import (
    VerificationInput,
    allocated,
    do_create_fund,
    do_decide_fund,
    do_screen_item,
    do_verify_candidate,
    weighted_score,
)
from minyi.projects.fund.models import FundItem, FundItemStatus
from minyi.projects.tests.delivery_support import TODAY, actor, people_fixture, voices_setup_fixture  # noqa: F401
from minyi.voices.actions.suggestions import SuggestionInput, do_file_suggestion


@pytest.fixture
def suggestions(tree: Any, people: dict[str, Any], voices_setup: Any) -> list[Any]:
    return [
        do_file_suggestion(
            SuggestionInput(
                kind="deputy_suggestion",
                title=title,
                content="群众反映强烈",
                category=voices_setup,
                area="welfare",
                term="第十八届",
                session="闭会期间",
                unit=tree.township,
            ),
            actor=Actor(person=people["deputy"], role="deputy"),
        )
        for title in ("上江小学饮水工程", "街道排涝工程", "村道硬化")
    ]


def verify(fund: Any, voice: Any, people: dict[str, Any], cost: str) -> FundItem:
    return do_verify_candidate(
        fund,
        voice,
        VerificationInput(voice.title, cost, "第一调研组", TODAY, "必要、紧迫、可行"),
        actor=actor(people["township"]),
    )


@override_settings(
    MINYI_FUND_WEIGHT_LIVELIHOOD=2, MINYI_FUND_WEIGHT_WITHIN_YEAR=1, MINYI_FUND_WEIGHT_FAIRNESS=1
)
def test_weights_are_configuration() -> None:
    assert weighted_score(100, 0, 0) == Decimal("50.00")


def test_fund_flow(tree: Any, people: dict[str, Any], suggestions: list[Any]) -> None:
    office = actor(people["district"])
    with pytest.raises(NotPermitted):
        do_create_fund(
            tree.district, year=2026, title="专项资金", total="7400000", actor=actor(people["township"])
        )
    fund = do_create_fund(
        tree.district, year=2026, title="2026年代表建议办理专项资金", total="7400000", actor=office
    )
    with pytest.raises(NotPermitted):
        do_verify_candidate(
            fund,
            suggestions[0],
            VerificationInput("x", "1", "g", TODAY, "f"),
            actor=actor(people["outsider"]),
        )
    a, b, c = (
        verify(fund, v, people, cost)
        for v, cost in zip(suggestions, ("3000000", "4000000", "1000000"), strict=True)
    )
    assert a.township == tree.township and a.status == FundItemStatus.CANDIDATE
    do_screen_item(a, livelihood=90, within_year=80, fairness=70, actor=office)  # 40·90+30·80+30·70 = 81
    do_screen_item(b, livelihood=60, within_year=90, fairness=80, actor=office)
    do_screen_item(c, livelihood=50, within_year=50, fairness=50, actor=office)
    a.refresh_from_db()
    assert a.score == Decimal("81.00")
    with pytest.raises(ActionError):
        do_screen_item(c, livelihood=101, within_year=0, fairness=0, actor=office)
    events = Event.objects.count()
    with pytest.raises(ActionError) as error:
        do_decide_fund(fund, [a, b, c], note="主任会议纪要", actor=office)  # 800万 > 740万
    assert error.value.code == "over_fund_total"
    assert Event.objects.count() == events and not Delivery.objects.exists()
    assert FundItem.objects.filter(status=FundItemStatus.SCREENED).count() == 3
    do_decide_fund(fund, [a, b], note="主任会议第5次会议", actor=office)
    assert allocated(fund) == Decimal("7000000")
    c.refresh_from_db()
    assert c.status == FundItemStatus.NOT_CHOSEN
    assert Delivery.objects.filter(subject_type="projects.funditem").count() == 2
    with pytest.raises(ActionError):
        do_decide_fund(fund, [c], note="再议", actor=office)


def test_only_deputy_suggestions(tree: Any, people: dict[str, Any], voices_setup: Any) -> None:
    from minyi.voices.actions.intake import VoiceInput, do_submit_voice

    office = actor(people["district"])
    fund = do_create_fund(tree.district, year=2026, title="专项资金", total="100", actor=office)
    voice = do_submit_voice(
        VoiceInput(title="路灯坏了", content="路灯坏了", category=voices_setup, unit=tree.township),
        actor=actor(people["resident"]),
    ).voice
    with pytest.raises(ActionError) as error:
        verify(fund, voice, people, "10")
    assert error.value.code == "not_deputy_suggestion"
