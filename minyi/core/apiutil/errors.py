"""One error body for every failure under /api/v1/: {"code", "message", "details"}.

Status codes: 400 bad request (and ActionError's default), 401 not authenticated, 403 not permitted
(also CSRF), 404 not found, 405 method not allowed, 409 conflict, 422 request validation
(`validation_error`), 429 throttled, 500 `internal_error`. An ActionError answers with its `.status`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from minyi.core.errors import ActionError

logger = logging.getLogger("minyi.api")


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any]


# The statuses an operation may answer with besides its success; used to document each operation.
ERROR_STATUSES = (400, 401, 403, 404, 409, 422, 429)


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    return {status: ErrorOut for status in statuses}


def _http_error_code_and_message(status: int) -> tuple[str, str]:
    # Computed per request so the message follows the request's language.
    known = {
        400: ("bad_request", _("请求格式有误")),
        401: ("not_authenticated", _("请先登录或提供有效的接口令牌")),
        403: ("forbidden", _("没有权限执行此操作")),
        404: ("not_found", _("未找到请求的资源")),
        405: ("method_not_allowed", _("不支持该请求方法")),
        409: ("conflict", _("与当前状态冲突")),
        429: ("throttled", _("请求过于频繁，请稍后再试")),
    }
    return known.get(status, ("error", _("请求无法完成")))


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> HttpResponse:
    return JsonResponse(
        {"code": code, "message": str(message), "details": details or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def standard_error(status: int, details: dict[str, Any] | None = None) -> HttpResponse:
    code, message = _http_error_code_and_message(status)
    return error_response(status, code, message, details)


def _loc_to_field(loc: list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def handle_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = [
        {
            "field": _loc_to_field(list(error.get("loc", []))),
            "loc": list(error.get("loc", [])),
            "type": error.get("type", ""),
            "message": error.get("msg", ""),
        }
        for error in exc.errors
    ]
    return error_response(422, "validation_error", _("请求参数有误"), {"fields": fields})


def handle_action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, exc.details)


def handle_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    details: dict[str, Any] = {}
    if isinstance(exc, Throttled) and exc.wait is not None:
        details["wait_seconds"] = int(exc.wait) + 1
    response = standard_error(exc.status_code, details)
    if isinstance(exc, AuthenticationError):
        response["WWW-Authenticate"] = 'Bearer realm="minyi"'
    return response


def handle_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return standard_error(404)


def handle_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return standard_error(403)


def handle_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Logged in full for operators; the client learns only that it was our fault.
    logger.exception("Unhandled error in API %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, "internal_error", _("服务器内部错误，请稍后再试"))


HANDLERS: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
    (ValidationError, handle_validation_error),
    (ActionError, handle_action_error),
    (HttpError, handle_http_error),
    (Http404, handle_not_found),
    (ObjectDoesNotExist, handle_not_found),
    (PermissionDenied, handle_permission_denied),
    (Exception, handle_unexpected),
]


def install_error_handlers(api: NinjaAPI) -> None:
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, handler)
