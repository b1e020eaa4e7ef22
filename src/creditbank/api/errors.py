"""One error shape for every failure: RFC 9457 problem details with code, message and details."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from creditbank.core.errors import DomainError

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"


class ErrorOut(Schema):
    type: str
    title: str
    status: int
    code: str
    message: str
    details: dict[str, Any]


def problem(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, details: Any
) -> HttpResponse:
    body = {
        "type": f"https://creditbank.invalid/problems/{code}",
        "title": message,
        "status": status,
        "code": code,
        "message": message,
        "details": details,
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return problem(api, request, exc.status, exc.code, exc.render(gettext), dict(exc.details))

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in exc.errors
        ]
        return problem(
            api, request, 422, "invalid_input", gettext("The request is not valid."), {"errors": fields}
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            api,
            request,
            401,
            "not_authenticated",
            gettext("Sign in, or send an institution API key as 'Authorization: Bearer …'."),
            {},
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(api, request, 404, "not_found", gettext("Not found."), {})

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(api, request, exc.status_code, "http_error", str(exc), {})

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("Unhandled API error", exc_info=exc)
        return problem(
            api, request, 500, "server_error", gettext("The bank could not complete this request."), {}
        )
