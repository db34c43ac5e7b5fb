from django.urls import reverse


def test_base_layout_is_chinese_by_default(client, db):
    html = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link and its target
    assert "vendor/htmx/htmx.min.js" in html
    assert 'action="/i18n/setlang/"' in html
    assert 'value="en" lang="en" aria-pressed="false">English</button>' in html
    assert 'aria-current="page">首页' in html


def test_switch_to_english_and_back(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Publicity board" in html and "Log in" in html
    assert 'value="en" lang="en" aria-pressed="true">English</button>' in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in html and "公示栏" in html


def test_static_assets_are_found():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/htmx/htmx.min.js")
    assert finders.find("vendor/echarts/echarts.min.js")
    assert finders.find("minyi/minyi.css")


def test_pages_stay_chinese_for_an_english_browser_until_english_is_chosen(client, db):
    html = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-Hans">' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html


def test_api_still_honours_accept_language(client, db):
    response = client.get("/api/v1/units/0", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (404, 422)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])
