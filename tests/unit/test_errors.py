"""The one error hierarchy: stable codes, English messages, and rendering through a translator."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditbank.core.credits import CreditValue, convert
from creditbank.core.errors import (
    Conflict,
    ConversionImpossible,
    DomainError,
    InvalidCreditAmount,
    InvalidFrameworkDocument,
    InvalidInput,
    InvalidLevelReference,
    NotFound,
    PermissionDenied,
    UnknownCreditSystem,
    UnknownFramework,
    UnknownLevel,
    VersionExists,
    gettext_noop,
)

NO_HOURS = "%(system)s has no published number of learning hours per credit"
CATALOG = {
    ConversionImpossible.template: "%(source)s 学分无法转换为 %(target)s：%(reason)s",
    NO_HOURS: "%(system)s 没有公布每学分的学习时数",
    UnknownLevel.template: "资历框架 %(framework)s 没有第 %(level)s 级；其级别为 %(levels)s。",
}


def translate(message: str) -> str:
    return CATALOG.get(message, message)


def guangdong_conversion_error(shipped_credit_systems) -> ConversionImpossible:
    with pytest.raises(ConversionImpossible) as excinfo:
        convert(
            CreditValue(Decimal(3), "GD-CREDIT"),
            shipped_credit_systems["GD-CREDIT"],
            shipped_credit_systems["HKQF-CREDIT"],
        )
    return excinfo.value


def test_render_translates_the_template_and_a_message_valued_reason(shipped_credit_systems):
    err = guangdong_conversion_error(shipped_credit_systems)

    assert err.render(translate) == "GD-CREDIT 学分无法转换为 HKQF-CREDIT：GD-CREDIT 没有公布每学分的学习时数"


def test_message_is_the_english_text_with_the_reason_filled_in(shipped_credit_systems):
    err = guangdong_conversion_error(shipped_credit_systems)

    assert err.message == (
        "Credits of GD-CREDIT cannot be converted to HKQF-CREDIT: "
        "GD-CREDIT has no published number of learning hours per credit"
    )
    assert str(err) == err.message
    assert err.details == {
        "source": "GD-CREDIT",
        "target": "HKQF-CREDIT",
        "reason": NO_HOURS,
        "system": "GD-CREDIT",
    }


def test_render_translates_the_template_but_not_plain_parameters():
    asked: list[str] = []

    def recording(message: str) -> str:
        asked.append(message)
        return message

    err = UnknownLevel(framework="NVQC", level=6, levels="1, 2, 3, 4, 5")

    assert err.render(recording) == "Framework NVQC has no level 6; its levels are 1, 2, 3, 4, 5."
    assert set(asked) == {UnknownLevel.template}


def test_render_with_a_translator_keeps_untranslated_parameters_as_given():
    err = UnknownLevel(framework="NVQC", level="6", levels="1, 2, 3, 4, 5")

    assert err.render(translate) == "资历框架 NVQC 没有第 6 级；其级别为 1, 2, 3, 4, 5。"


def test_default_message_needs_no_parameters():
    assert DomainError().message == "The request could not be carried out."
    assert NotFound().message == "Not found."


def test_a_template_given_positionally_replaces_the_class_template():
    err = InvalidInput(gettext_noop("Row %(row)s is empty."), row=3)

    assert err.message == "Row 3 is empty."
    assert err.code == "invalid_input"
    assert InvalidInput.template == "The input is not valid."


def test_a_missing_parameter_leaves_the_template_unfilled_instead_of_failing():
    err = UnknownFramework()

    assert err.message == "There is no framework with code %(code)s."


def test_a_literal_percent_sign_in_a_parameter_is_kept():
    err = InvalidCreditAmount(amount="50%", reason="it is not a number")

    assert err.message == "50% is not a valid credit amount: it is not a number"


def test_gettext_noop_returns_its_argument():
    assert gettext_noop("high") == "high"


def test_details_are_a_copy_of_the_parameters():
    err = UnknownFramework(code="XXQF")

    details = err.details
    details["code"] = "changed"  # type: ignore[index]

    assert err.params == {"code": "XXQF"}


@pytest.mark.parametrize(
    ("error", "parent", "code", "status"),
    [
        (UnknownFramework, NotFound, "unknown_framework", 404),
        (UnknownLevel, NotFound, "unknown_level", 404),
        (UnknownCreditSystem, NotFound, "unknown_credit_system", 404),
        (InvalidFrameworkDocument, InvalidInput, "invalid_framework_document", 422),
        (InvalidCreditAmount, InvalidInput, "invalid_credit_amount", 422),
        (InvalidLevelReference, InvalidInput, "invalid_level_reference", 422),
        (ConversionImpossible, DomainError, "conversion_impossible", 409),
        (VersionExists, Conflict, "version_exists", 409),
        (PermissionDenied, DomainError, "permission_denied", 403),
    ],
)
def test_each_error_has_a_stable_code_and_http_status(error, parent, code, status):
    assert issubclass(error, parent)
    assert issubclass(error, DomainError)
    assert error.code == code
    assert error.status == status


def test_permission_denied_names_the_action():
    assert PermissionDenied(action="decide this transfer").message == "You may not decide this transfer."


def test_text_a_user_typed_is_never_filled_as_a_template() -> None:
    exc = InvalidCreditAmount(amount="%(reason)s", reason=gettext_noop("credits cannot be negative"))
    assert exc.message == "%(reason)s is not a valid credit amount: credits cannot be negative"


def test_a_stored_error_renders_later_in_the_readers_language(shipped_credit_systems):
    import json

    stored = json.loads(json.dumps(guangdong_conversion_error(shipped_credit_systems).as_record()))

    assert stored["code"] == "conversion_impossible"
    again = DomainError.from_record(stored)
    assert (
        again.render(translate) == "GD-CREDIT 学分无法转换为 HKQF-CREDIT：GD-CREDIT 没有公布每学分的学习时数"
    )


def test_a_stored_error_keeps_text_a_user_typed_untranslated():
    typed = "%(source)s 学分无法转换为 %(target)s：%(reason)s"  # typed text that happens to be a msgid
    record = ConversionImpossible(source="A", target="B", reason=typed).as_record()

    assert DomainError.from_record(record).render(translate).endswith(typed)
