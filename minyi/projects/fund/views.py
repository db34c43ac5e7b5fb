"""P6 pages: the special fund's public page (total, items, amounts, status, progress)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from minyi.projects.delivery.models import Delivery
from minyi.projects.fund.actions import allocated
from minyi.projects.fund.models import Fund, FundItemStatus


def fund_page(request: HttpRequest, pk: int) -> HttpResponse:
    fund = Fund.objects.select_related("unit").filter(pk=pk).first()
    if fund is None:
        raise Http404
    items = list(fund.items.select_related("township", "voice").order_by("status", "-score", "pk"))
    deliveries = {
        d.subject_id: d
        for d in Delivery.objects.with_progress().filter(
            subject_type="projects.funditem", subject_id__in=[str(i.pk) for i in items]
        )
    }
    rows = [{"item": i, "delivery": deliveries.get(str(i.pk))} for i in items]
    return render(
        request,
        "projects/fund/fund.html",
        {
            "fund": fund,
            "rows": rows,
            "allocated": allocated(fund),
            "chosen": FundItemStatus.CHOSEN,
            "may_manage": any(
                request.user.has_perm(rule, fund)
                for rule in ("projects.manage_fund", "projects.verify_fund_candidate")
            ),
        },
    )


def fund_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "projects/fund/list.html",
        {
            "funds": Fund.objects.select_related("unit")[:50],
            "may_create": request.user.has_perm("projects.create_fund"),
        },
    )


urlpatterns = [
    path("fund/", fund_list, name="funds"),
    path("fund/<int:pk>/", fund_page, name="fund"),
]
