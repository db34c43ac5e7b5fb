"""CappedPaginator: long public lists count at most the cap, in their own order."""

from __future__ import annotations

import pytest

from minyi.core.models import Unit
from minyi.core.paging import CappedPaginator

pytestmark = pytest.mark.django_db


def test_counts_up_to_the_cap_and_says_when_there_are_more(tree, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    units = Unit.objects.order_by("path")
    total = units.count()
    assert total >= 4
    capped = CappedPaginator(units, 2, cap=3)
    with django_assert_num_queries(1):  # one COUNT over a LIMIT subquery
        assert capped.count == 3
    assert capped.is_capped and capped.num_pages == 2
    assert [u.pk for u in capped.page(2).object_list] == [u.pk for u in units[2:4]]  # not cut at the cap
    exact = CappedPaginator(units, 2, cap=total)
    assert exact.count == total and not exact.is_capped
    assert CappedPaginator([1, 2, 3], 2, cap=2).count == 2


def test_pages_beyond_the_cap_still_open(tree) -> None:  # type: ignore[no-untyped-def]
    units = list(Unit.objects.order_by("path").values_list("pk", flat=True))
    paginator = CappedPaginator(Unit.objects.order_by("path"), 1, cap=2)
    last = paginator.page(len(units))
    assert [u.pk for u in last.object_list] == [units[-1]] and last.has_next()  # full: maybe more
    after = paginator.page(len(units) + 1)
    assert list(after.object_list) == [] and not after.has_next()
    assert paginator.get_page("x").number == 1
