"""What every `creditbank` command module shares: Django set-up, error mapping, output, options."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console

out = Console(soft_wrap=True, emoji=False)  # "did:key:" is not the :key: emoji
err = Console(stderr=True, soft_wrap=True, emoji=False)


class _Settings:
    lang = "en"  # set by the --lang option before any command runs


settings = _Settings()

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
OperatorOption = Annotated[
    str, typer.Option("--operator", envvar="CREDITBANK_OPERATOR", help="Username of the operator doing this.")
]


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditbank.config.settings.dev")
    import django

    django.setup()
    from django.utils import translation

    translation.activate(settings.lang)


@contextmanager
def domain_errors() -> Iterator[None]:
    """Every DomainError becomes one clear line on stderr and exit code 1."""
    from django.utils.translation import gettext

    from creditbank.core.errors import DomainError

    try:
        yield
    except DomainError as exc:
        err.print(f"[bold red]error[/] ({exc.code}): {exc.render(gettext)}", highlight=False)
        raise typer.Exit(1) from None


def command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Set up Django and map domain errors for a command."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        django_setup()
        with domain_errors():
            return fn(*args, **kwargs)

    return wrapper


def operator_user(username: str) -> Any:
    from creditbank.apps.accounts.models import User
    from creditbank.core.errors import NotFound, PermissionDenied

    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound("There is no user %(username)s.", username=username)
    if user.role != "operator":
        raise PermissionDenied("%(username)s is not an operator.", username=username)
    return user


def print_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))
