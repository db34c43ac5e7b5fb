"""Pages of long public lists whose exact total is not worth counting on every view.

A publicity board of a city holds hundreds of thousands of items; `Paginator` counts them all for
"page 3 / 15,000" on each request. `CappedPaginator` counts at most `MINYI_LIST_COUNT_CAP` rows (in
the list's own order, so the database stops there) and says when there are more (`is_capped`): the
pager then shows "3 / 500+", and pages beyond the counted ones still open — "next" is offered as long
as a page is full — so nothing in the list becomes unreachable.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property


class CappedPage(Page):
    def has_next(self) -> bool:
        paginator: Any = self.paginator
        if paginator.is_capped and self.number >= paginator.num_pages:
            return len(self.object_list) == paginator.per_page
        return super().has_next()


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap if cap is not None else settings.MINYI_LIST_COUNT_CAP
        self.is_capped = False

    @cached_property
    def count(self) -> int:
        window: Any = self.object_list[: self.cap + 1]  # a queryset slice: COUNT over a LIMIT subquery
        counted = len(window) if isinstance(window, list | tuple) else window.count()
        self.is_capped = counted > self.cap
        return min(counted, self.cap)

    def validate_number(self, number: Any) -> int:
        """As Paginator's, without the upper bound when the count was capped."""
        self.count  # noqa: B018  (sets is_capped)
        if not self.is_capped:
            return super().validate_number(number)
        try:
            value = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if value < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return value

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.is_capped and top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list[bottom:top], number, self)

    def _get_page(self, *args: Any, **kwargs: Any) -> Page:
        return CappedPage(*args, **kwargs)
