"""A test process covering every engine feature, registered for the duration of one test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from minyi.core.engine import registry
from minyi.core.engine.definitions import ProcessDefinition, parse_definition

REVIEW_YAML = """\
name: test_review
version: 1
title: {zh: 测试审核, en: Test review}
initial: submitted
states:
  submitted:
    title: {zh: 已提交, en: Submitted}
    deadline: {days: 2, calendar: working}
    overdue:
      - remind: {}
      - escalate: {to_unit: district, to_role: district_staff}
        after: {days: 1, calendar: working}
      - transition: {to: expired}
        after: {days: 3, calendar: calendar}
  in_review:
    title: {zh: 审核中, en: In review}
    deadline: {days: 5, calendar: calendar}
    overdue:
      - remind: {}
  returned:
    title: {zh: 已退回, en: Returned}
  accepted:
    title: {zh: 已通过, en: Accepted}
    final: true
  expired:
    title: {zh: 已超期关闭, en: Expired}
    final: true
  withdrawn:
    title: {zh: 已撤回, en: Withdrawn}
    final: true
transitions:
  take:
    title: {zh: 受理, en: Take}
    from: [submitted]
    to: in_review
    roles: [township_staff, community_staff]
    inputs:
      note: {type: text, max_length: 20}
  return_it:
    title: {zh: 退回, en: Return}
    from: [in_review]
    to: returned
    roles: [township_staff]
    require_reason: true
    inputs:
      score: {type: integer, required: true}
  resubmit:
    title: {zh: 重新提交, en: Resubmit}
    from: [returned]
    to: submitted
    roles: [submitter]
  accept:
    title: {zh: 通过, en: Accept}
    from: [in_review]
    to: accepted
    roles: [district_staff]
    inputs:
      grade: {type: choice, required: true, choices: [A, B]}
      due_on: {type: date}
      amount: {type: decimal}
      ok: {type: boolean}
      reviewer: {type: person}
      where: {type: unit}
  withdraw:
    title: {zh: 撤回, en: Withdraw}
    from: [submitted, returned]
    to: withdrawn
    roles: [submitter]
"""


def review_definition(source: str = REVIEW_YAML) -> ProcessDefinition:
    return parse_definition(source, "tests/test_review.yaml")


@contextmanager
def registered(definition: ProcessDefinition) -> Iterator[ProcessDefinition]:
    registry.register(definition)
    try:
        yield definition
    finally:
        registry.unregister(definition.name)
