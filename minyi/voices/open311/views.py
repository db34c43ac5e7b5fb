"""Open311 GeoReport v2 endpoints (W2). Plain Django views: the spec fixes paths, formats and errors."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from minyi.voices.models import Category, Open311Request, Voice
from minyi.voices.open311.formats import error, respond
from minyi.voices.open311.intake import Open311Error, check_jurisdiction, submit_request
from minyi.voices.open311.listing import filtered_voices, requests_payload
from minyi.voices.open311.services import definition_of, service_of

REQUEST_NESTED = {"attributes": "attribute", "values": "value"}
View = Callable[..., HttpResponse]


def _only(*methods: str) -> Callable[[View], View]:
    """A wrong method is answered in the requested format (the spec's error list), not with HTML."""

    def wrap(view: View) -> View:
        def inner(request: HttpRequest, *args: object, fmt: str = "json", **kwargs: object) -> HttpResponse:
            if request.method not in methods:
                response = error(fmt, 405, _("不支持的请求方法：%(m)s") % {"m": request.method})
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as problem:
                return error(fmt, problem.status, problem.description)

        return inner

    return wrap


@_only("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    check_jurisdiction(request.GET.get("jurisdiction_id", "").strip())
    rows = [service_of(category) for category in Category.objects.filter(is_active=True)]
    return respond(fmt, rows, root="services", item="service")


@_only("GET")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    check_jurisdiction(request.GET.get("jurisdiction_id", "").strip())
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        return error(fmt, 404, _("未知的 service_code：%(code)s") % {"code": code})
    return respond(fmt, definition_of(category), root="service_definition", item="", nested=REQUEST_NESTED)


@csrf_exempt  # clients authenticate with api_key, not a session
@_only("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        created = submit_request(request.POST, request.headers.get("Idempotency-Key", ""))
        row = {
            "service_request_id": created.voice.tracking_code,
            "token": created.token,
            "service_notice": _("已受理，受理编号 %(code)s，可凭此编号查询办理进度")
            % {"code": created.voice.tracking_code},
            "account_id": None,
        }
        return respond(fmt, [row], root="service_requests", item="request", status=200)
    check_jurisdiction(request.GET.get("jurisdiction_id", "").strip())
    voices = filtered_voices({key: request.GET.get(key, "") for key in request.GET})
    return respond(fmt, requests_payload(voices), root="service_requests", item="request")


@_only("GET")
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    check_jurisdiction(request.GET.get("jurisdiction_id", "").strip())
    voice = (
        Voice.objects.select_related("category", "unit", "lead_department", "open311")
        .filter(tracking_code=request_id)
        .first()
    )
    if voice is None:
        return error(fmt, 404, _("未找到服务请求：%(id)s") % {"id": request_id})
    return respond(fmt, requests_payload([voice]), root="service_requests", item="request")


@_only("GET")
def token_lookup(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    check_jurisdiction(request.GET.get("jurisdiction_id", "").strip())
    found = Open311Request.objects.select_related("voice").filter(token=token).first()
    if found is None:
        return error(fmt, 404, _("未找到该 token"))
    row = {"service_request_id": found.voice.tracking_code, "token": found.token}
    return respond(fmt, [row], root="service_requests", item="request")


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "xml" if rest.endswith(".xml") else "json"
    return error(fmt, 404, _("未知的 Open311 路径"))
