"""The NinjaAPI subclass behind /api/v1/: JSON errors for 404 and 405 too, not Django's HTML."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from minyi.core.apiutil.errors import install_error_handlers, standard_error


def _json_method_not_allowed(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)  # keeps ninja's csrf_exempt flag
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = standard_error(405, {"allowed": [m.strip() for m in allowed.split(",") if m.strip()]})
            response["Allow"] = allowed
        return response

    return wrapper


@csrf_exempt
def unknown_api_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    return standard_error(404, {"path": request.path})


class MinyiAPI(NinjaAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install_error_handlers(self)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns: list[URLResolver | URLPattern] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and not getattr(pattern.callback, "view_class", None):
                pattern.callback = _json_method_not_allowed(pattern.callback)
            patterns.append(pattern)
        # Last: anything else under the API prefix is a JSON 404 (and CommonMiddleware will not
        # redirect it to a slash-appended URL).
        patterns.append(re_path(r"^(?P<rest>.*)$", unknown_api_path, name="unknown"))
        return patterns
