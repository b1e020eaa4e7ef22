"""The NinjaAPI at /api/v1/: one router per bounded context, OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

from creditbank.api import errors
from creditbank.apps.accounts.account_reviews_api import router as account_reviews_router
from creditbank.apps.accounts.api import router as accounts_router
from creditbank.apps.accounts.collective_api import router as collective_router
from creditbank.apps.accounts.documents_api import router as documents_router
from creditbank.apps.accreditation.api import router as accreditation_router
from creditbank.apps.awards.api import router as awards_router
from creditbank.apps.credentials.api import router as credentials_router
from creditbank.apps.deposits.api import router as deposits_router
from creditbank.apps.deposits.feeds_api import router as feeds_router
from creditbank.apps.deposits.reviews_api import router as reviews_router
from creditbank.apps.frameworks.api import router as frameworks_router
from creditbank.apps.ledger.api import router as ledger_router
from creditbank.apps.matching.api import router as matching_router
from creditbank.apps.recognition.api import router as recognition_router
from creditbank.apps.register.api import router as register_router
from creditbank.apps.stats.api import router as stats_router

api = NinjaAPI(
    title="creditbank API",
    version="1",
    description=(
        "Qualifications frameworks, level referencing, credit conversion and the lifelong learning "
        "credit bank. People authenticate with their session (send the CSRF token on writes); "
        "institution systems with an API key as `Authorization: Bearer cbk_…` or `X-API-Key`. "
        "Every error is an RFC 9457 problem document with `code`, `message` and `details`."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/", frameworks_router)
api.add_router("/", accounts_router)
api.add_router("/", collective_router)
api.add_router("/", documents_router)
api.add_router("/", account_reviews_router)
api.add_router("/", register_router)
api.add_router("/", accreditation_router)
api.add_router("/", deposits_router)
api.add_router("/", feeds_router)
api.add_router("/", reviews_router)
api.add_router("/", ledger_router)
api.add_router("/", recognition_router)
api.add_router("/", credentials_router)
api.add_router("/", awards_router)
api.add_router("/", matching_router)
api.add_router("/", stats_router)
