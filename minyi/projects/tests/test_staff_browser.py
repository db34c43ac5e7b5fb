"""A round from creation to published results through the staff pages, in Debian chromium at phone
width (390px) and on the desktop; the self-build and fund staff pages fit too. Screenshots in
test-artifacts/screenshots/ for a human to look at."""

from __future__ import annotations

import os
from typing import Any

import pytest

from minyi.ballots.actions import do_cast_ballot
from minyi.core.actors import Actor
from minyi.projects.actions.projects import RecommendationInput, do_recommend_project
from minyi.projects.models import Project, Round
from minyi.projects.tests.test_browser import PASSWORD, SHOTS, VIEWPORTS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the viewport"


def shot(page: Any, name: str, width: str) -> None:
    fits(page)
    page.screenshot(path=str(SHOTS / f"projects-staff-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_round_from_creation_to_results(
    live_server: Any,
    browser: Any,
    tree: Any,
    make_person: Any,
    width: str,
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    staff = make_person("township_staff", tree.township, name="镇干部")
    resident = make_person("resident", tree.community, name="李四")
    deputies = [make_person("deputy", tree.township, name=f"代表{i}") for i in range(3)]
    context = browser.new_context(viewport=VIEWPORTS[width], locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(staff.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/workbench/")

    # Create the round from the year's list.
    page.goto(f"{live_server.url}/projects/")
    page.get_by_role("link", name="新建票决轮次").click()
    page.get_by_label("名称").fill("2026年青云街道民生实事项目")
    page.get_by_label("项目名额").fill("2")
    shot(page, "new", width)
    page.get_by_role("button", name="创建").click()
    page.wait_for_url("**/manage/")
    round_ = Round.objects.get()

    for title, cost in (
        ("金沙社区加装路灯", "80000"),
        ("青云街道老旧小区改造", "150000"),
        ("社区食堂", "60000"),
    ):
        do_recommend_project(
            round_,
            RecommendationInput(
                title=title,
                description="群众反映",
                unit=tree.community,
                cost=cost,
                place="金沙",
                beneficiaries=800,
            ),
            actor=Actor(person=resident),
        )
    page.reload()
    page.get_by_role("button", name="截止推荐，开始筛选").click()
    page.wait_for_url("**/manage/")

    # Screening: a reason is required and public.
    page.get_by_role("link", name="筛选完善").click()
    page.get_by_role("button", name="筛选通过").first.click()
    page.wait_for_selector(".field-error")
    assert "请填写筛选理由" in page.content()
    shot(page, "screen-error", width)
    for _ in range(3):
        page.locator("textarea[name=reason]").first.fill("符合民生实事项目条件")
        page.get_by_role("button", name="筛选通过").first.click()
        page.wait_for_load_state()
    assert Project.objects.filter(status="screened_in").count() == 3
    shot(page, "screen-done", width)

    page.goto(f"{live_server.url}/projects/rounds/{round_.pk}/manage/")
    page.get_by_role("button", name="筛选完毕，征求部门意见").click()
    page.wait_for_url("**/manage/")
    page.get_by_role("link", name="部门意见").click()
    page.get_by_label("项目").select_option(label="金沙社区加装路灯")
    page.get_by_label("职能部门").select_option(label=tree.department.name)
    page.get_by_label("支持", exact=True).check()
    page.get_by_label("意见内容").fill("同意，纳入年度计划")
    page.get_by_role("button", name="记录").click()
    page.wait_for_url("**/opinions/")
    shot(page, "opinions", width)

    # A shortlist not larger than the seats is refused with the form error; then the full list.
    page.goto(f"{live_server.url}/projects/rounds/{round_.pk}/manage/")
    boxes = page.locator("input[name=projects]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="提交候选名单").click()
    page.wait_for_selector(".field-error")
    assert "必须多于项目名额" in page.content()
    shot(page, "shortlist-error", width)
    for i in range(3):
        page.locator("input[name=projects]").nth(i).check()
    page.get_by_role("button", name="提交候选名单").click()
    page.wait_for_url("**/manage/")

    page.get_by_role("button", name="开始票决").click()
    page.wait_for_url("**/manage/")
    round_.refresh_from_db()
    keys = [str(p.pk) for p in Project.objects.filter(round=round_).order_by("pk")]
    for deputy, marks in zip(
        deputies, ([keys[0], keys[1]], [keys[0], keys[2]], [keys[0], keys[1]]), strict=True
    ):
        do_cast_ballot(round_.poll, marks, actor=Actor(person=deputy))
    shot(page, "voting", width)
    page.get_by_role("button", name="截止投票并计票").click()
    page.wait_for_url("**/manage/")
    page.get_by_role("button", name="公布结果").click()
    page.wait_for_url("**/manage/")
    shot(page, "published", width)
    page.get_by_role("link", name="查看票决结果").click()
    page.wait_for_url(f"**/projects/rounds/{round_.pk}/")
    assert "当选" in page.content()
    shot(page, "results", width)
    context.close()


def login(browser: Any, live_server: Any, person: Any, width: str) -> Any:
    context = browser.new_context(viewport=VIEWPORTS[width], locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(person.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/workbench/")
    return context, page


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_selfbuild_and_fund_staff_pages_fit(
    live_server: Any, browser: Any, tree: Any, make_person: Any, width: str
) -> None:
    from minyi.projects.fund.actions import do_create_fund
    from minyi.projects.selfbuild.actions import NeedInput, SelfBuildInput, do_add_need, do_create_selfbuild

    SHOTS.mkdir(parents=True, exist_ok=True)
    village = make_person("community_staff", tree.community, name="村干部")
    district = make_person("district_staff", tree.district, name="区选联工委")
    staff = Actor(person=village)
    round_ = do_create_selfbuild(
        tree.community, SelfBuildInput("2026年金沙村公共设施", 2026, "100000"), actor=staff
    )
    do_add_need(
        round_, NeedInput("硬化三组入户路", "雨天泥泞，老人出行不便", "60000", raised_by="三组"), actor=staff
    )
    fund = do_create_fund(
        tree.district,
        year=2026,
        title="2026年代表建议办理专项资金",
        total="7400000",
        actor=Actor(person=district),
    )
    context, page = login(browser, live_server, village, width)
    page.goto(f"{live_server.url}/projects/selfbuild/{round_.pk}/manage/")
    page.get_by_role("button", name="记录需求").click()
    page.wait_for_selector(".field-error")
    assert page.locator(".field-error").count() >= 1  # the cost is required
    shot(page, "selfbuild", width)
    context.close()
    context, page = login(browser, live_server, district, width)
    page.goto(f"{live_server.url}/projects/fund/{fund.pk}/manage/")
    assert "主任会议决定" in page.content()
    shot(page, "fund", width)
    context.close()
