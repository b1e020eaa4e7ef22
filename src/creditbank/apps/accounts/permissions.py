"""The permission matrix, written down once: which role may do which action, and in what scope.

``Scope.ANY`` allows the action on anything; ``Scope.OWN_INSTITUTION`` only on objects of the
actor's own institution; ``Scope.OWN_RECORD`` only on the actor's own learner record.
Anonymous visitors (employers verifying a credential, the public browsing frameworks) appear as
``None`` in the matrix. Tests enumerate this table against every endpoint.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from creditbank.core.errors import PermissionDenied, gettext_noop

if TYPE_CHECKING:
    from creditbank.apps.accounts.models import User


class Scope(enum.Enum):
    ANY = "any"
    OWN_INSTITUTION = "own_institution"
    OWN_RECORD = "own_record"


class Action(enum.StrEnum):
    VIEW_FRAMEWORKS = "view_frameworks"
    PUBLISH_FRAMEWORK = "publish_framework"
    MANAGE_API_KEYS = "manage_api_keys"
    VIEW_INSTITUTIONS = "view_institutions"
    OPEN_LEARNER_ACCOUNT = "open_learner_account"
    FIND_LEARNER = "find_learner"
    VIEW_LEARNER_RECORD = "view_learner_record"
    MANAGE_REGISTER = "manage_register"
    RECORD_ACCREDITATION = "record_accreditation"
    OPEN_CASE = "open_case"
    SELF_ASSESS = "self_assess"
    RUN_CASE = "run_case"
    REVIEW_CASE = "review_case"
    VIEW_CASE = "view_case"
    DEPOSIT_OUTCOMES = "deposit_outcomes"
    CLAIM_RPL = "claim_rpl"
    MANAGE_INSTITUTIONS = "manage_institutions"
    MANAGE_ASSESSORS = "manage_assessors"
    RUN_LEDGER = "run_ledger"
    MANAGE_RECOGNITION = "manage_recognition"
    AUDIT_PATHWAY = "audit_pathway"
    APPLY_TRANSFER = "apply_transfer"
    DECIDE_TRANSFER = "decide_transfer"
    VIEW_TRANSFER = "view_transfer"
    DECIDE_APPEAL = "decide_appeal"
    MANAGE_AGREEMENTS = "manage_agreements"
    SIGN_AGREEMENT = "sign_agreement"
    HARMONISE_STANDARDS = "harmonise_standards"
    AUDIT_COHORT = "audit_cohort"
    ISSUE_CREDENTIAL = "issue_credential"
    REVOKE_CREDENTIAL = "revoke_credential"
    MANAGE_ISSUER_KEYS = "manage_issuer_keys"
    SHARE_RECORD = "share_record"
    REGISTER_COLLECTIVE = "register_collective"
    RECORD_LEARNING = "record_learning"
    MANAGE_FEEDS = "manage_feeds"
    APPLY_AWARD = "apply_award"
    DECIDE_AWARD = "decide_award"
    MANAGE_FEES = "manage_fees"
    SETTLE_CHARGE = "settle_charge"
    MANAGE_NETWORK = "manage_network"
    REVIEW_DEPOSIT = "review_deposit"
    PUBLISH_CATALOGUE = "publish_catalogue"
    FILE_DOCUMENT = "file_document"
    REVIEW_ACCOUNT = "review_account"
    VIEW_DOCUMENT = "view_document"
    MATCH_POSTINGS = "match_postings"
    VIEW_STATS = "view_stats"


# action -> role (None = anonymous) -> scope
MATRIX: dict[Action, dict[str | None, Scope]] = {
    Action.VIEW_FRAMEWORKS: {
        None: Scope.ANY,
        "learner": Scope.ANY,
        "institution": Scope.ANY,
        "assessor": Scope.ANY,
        "operator": Scope.ANY,
        "employer": Scope.ANY,
    },
    Action.PUBLISH_FRAMEWORK: {"operator": Scope.ANY},
    Action.MANAGE_API_KEYS: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    Action.VIEW_INSTITUTIONS: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    # Anyone may open their own account; staff open one for a learner who is present.
    Action.OPEN_LEARNER_ACCOUNT: {None: Scope.ANY, "operator": Scope.ANY, "institution": Scope.ANY},
    # Finding a person needs their full identity number; it tells whether an account exists.
    Action.FIND_LEARNER: {"operator": Scope.ANY, "institution": Scope.ANY},
    # Counter staff scan the paper documents a learner brings; the learner, the bank and the
    # institution whose staff filed a document may open it again.
    Action.FILE_DOCUMENT: {"operator": Scope.ANY, "institution": Scope.ANY},
    # New accounts are reviewed by the bank's service network (sites, sub-centres, the centre).
    Action.REVIEW_ACCOUNT: {"operator": Scope.ANY},
    Action.VIEW_DOCUMENT: {
        "operator": Scope.ANY,
        "institution": Scope.OWN_INSTITUTION,
        "learner": Scope.OWN_RECORD,
    },
    Action.VIEW_LEARNER_RECORD: {"operator": Scope.ANY, "learner": Scope.OWN_RECORD},
    # Institutions register their own qualifications and units (as drafts); operators any.
    Action.MANAGE_REGISTER: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    # Recording an accreditation decided before the bank used creditbank (migration of a register).
    Action.RECORD_ACCREDITATION: {"operator": Scope.ANY},
    # Accreditation: the submitting institution opens and self-assesses; the bank runs the panel,
    # records stakeholder sign-off and decides; assessors review only cases they are assigned to.
    Action.OPEN_CASE: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    Action.SELF_ASSESS: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    Action.RUN_CASE: {"operator": Scope.ANY},
    Action.REVIEW_CASE: {"assessor": Scope.ANY},
    Action.VIEW_CASE: {
        "operator": Scope.ANY,
        "institution": Scope.OWN_INSTITUTION,
        "assessor": Scope.ANY,
        "learner": Scope.OWN_RECORD,
    },
    # Learners claim recognition of their prior learning, and may appeal a decision once.
    Action.CLAIM_RPL: {"learner": Scope.OWN_RECORD},
    # Operators admit institutions to the alliance and keep their identity and dates.
    Action.MANAGE_INSTITUTIONS: {"operator": Scope.ANY},
    Action.MANAGE_ASSESSORS: {"operator": Scope.ANY},
    # Institutions deposit, revoke and amend outcomes of their own accredited entries.
    Action.DEPOSIT_OUTCOMES: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    # Everyone may read checkpoints and proofs; entries and running the ledger are the bank's.
    Action.RUN_LEDGER: {"operator": Scope.ANY},
    # Institutions publish the rules and caps under which they receive credit; operators any.
    Action.MANAGE_RECOGNITION: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    # A pathway audit or transfer proposal reads a learner's whole bank: the learner and the bank.
    Action.AUDIT_PATHWAY: {"operator": Scope.ANY, "learner": Scope.OWN_RECORD},
    # Learners apply to transfer credit; the receiving institution decides each item; the bank
    # decides appeals, so that the institution that refused does not judge its own refusal.
    Action.APPLY_TRANSFER: {"learner": Scope.OWN_RECORD},
    Action.DECIDE_TRANSFER: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    Action.VIEW_TRANSFER: {
        "operator": Scope.ANY,
        "institution": Scope.OWN_INSTITUTION,
        "learner": Scope.OWN_RECORD,
    },
    Action.DECIDE_APPEAL: {"operator": Scope.ANY},
    # Operators manage the alliance's agreements; each member institution signs for itself.
    Action.MANAGE_AGREEMENTS: {"operator": Scope.ANY},
    Action.SIGN_AGREEMENT: {"institution": Scope.OWN_INSTITUTION},
    Action.HARMONISE_STANDARDS: {"operator": Scope.ANY},
    # Auditing a whole cohort reads many learners' banks: the bank's operators only.
    Action.AUDIT_COHORT: {"operator": Scope.ANY},
    # A credential is signed by the institution that deposited the outcome: the learner picks up
    # their own, the institution issues its own, the bank any. Verifying needs no account.
    Action.ISSUE_CREDENTIAL: {
        "operator": Scope.ANY,
        "institution": Scope.OWN_INSTITUTION,
        "learner": Scope.OWN_RECORD,
    },
    Action.REVOKE_CREDENTIAL: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    Action.MANAGE_ISSUER_KEYS: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    # Only the learner shares their own record (consent); whoever holds the link may read it.
    Action.SHARE_RECORD: {"learner": Scope.OWN_RECORD},
    # Schools and enterprises register their students or staff in bulk; the bank for anyone.
    Action.REGISTER_COLLECTIVE: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    # Learning that earns no credit: the learner declares their own; an institution attests what
    # it saw (and withdraws only its own); the bank any.
    Action.RECORD_LEARNING: {
        "operator": Scope.ANY,
        "institution": Scope.OWN_INSTITUTION,
        "learner": Scope.OWN_RECORD,
    },
    # Certificate bodies run their own feeds (through API keys); the bank sets them up for anyone.
    Action.MANAGE_FEEDS: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    # Learners apply for awards their record meets; the conferring institution (or the bank, for
    # its own awards) decides; windows and fees are set by each for its own, the bank for all.
    Action.APPLY_AWARD: {"learner": Scope.OWN_RECORD},
    Action.DECIDE_AWARD: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    Action.MANAGE_FEES: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    Action.SETTLE_CHARGE: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
    # The bank's own staff run its service network; each reviews deposits at their unit's level.
    Action.MANAGE_NETWORK: {"operator": Scope.ANY},
    Action.REVIEW_DEPOSIT: {"operator": Scope.ANY},
    Action.PUBLISH_CATALOGUE: {"operator": Scope.ANY},
    # Employers match job postings against the register; institutions (curriculum) and the bank
    # too. Each sees the postings they posted; the bank all.
    Action.MATCH_POSTINGS: {"employer": Scope.ANY, "institution": Scope.ANY, "operator": Scope.ANY},
    # Dashboards: the bank's operators see the whole bank; an institution its own figures.
    Action.VIEW_STATS: {"operator": Scope.ANY, "institution": Scope.OWN_INSTITUTION},
}

ACTION_NAMES = {
    Action.VIEW_FRAMEWORKS: gettext_noop("view frameworks"),
    Action.PUBLISH_FRAMEWORK: gettext_noop("publish frameworks"),
    Action.MANAGE_API_KEYS: gettext_noop("manage API keys of this institution"),
    Action.VIEW_INSTITUTIONS: gettext_noop("view this institution"),
    Action.OPEN_LEARNER_ACCOUNT: gettext_noop("open learner accounts"),
    Action.FIND_LEARNER: gettext_noop("look up learners"),
    Action.FILE_DOCUMENT: gettext_noop("file learners' documents"),
    Action.REVIEW_ACCOUNT: gettext_noop("review new accounts"),
    Action.VIEW_DOCUMENT: gettext_noop("open this document"),
    Action.MATCH_POSTINGS: gettext_noop("match job postings"),
    Action.VIEW_STATS: gettext_noop("see these statistics"),
    Action.VIEW_LEARNER_RECORD: gettext_noop("see this learner's record"),
    Action.MANAGE_REGISTER: gettext_noop("manage this institution's register entries"),
    Action.RECORD_ACCREDITATION: gettext_noop("record accreditation decisions"),
    Action.OPEN_CASE: gettext_noop("open accreditation cases for this institution"),
    Action.SELF_ASSESS: gettext_noop("submit this institution's self-assessment"),
    Action.RUN_CASE: gettext_noop("run accreditation cases"),
    Action.REVIEW_CASE: gettext_noop("review accreditation cases"),
    Action.VIEW_CASE: gettext_noop("see this accreditation case"),
    Action.DEPOSIT_OUTCOMES: gettext_noop("deposit learning outcomes for this institution"),
    Action.CLAIM_RPL: gettext_noop("claim recognition of prior learning"),
    Action.MANAGE_INSTITUTIONS: gettext_noop("manage institutions and the alliance"),
    Action.MANAGE_ASSESSORS: gettext_noop("manage assessors"),
    Action.RUN_LEDGER: gettext_noop("run the ledger (entries, checkpoints, verification)"),
    Action.MANAGE_RECOGNITION: gettext_noop(
        "manage this institution's recognition rules and credit policies"
    ),
    Action.AUDIT_PATHWAY: gettext_noop("audit this learner's pathway"),
    Action.APPLY_TRANSFER: gettext_noop("apply to transfer credit"),
    Action.DECIDE_TRANSFER: gettext_noop("decide transfer applications to this institution"),
    Action.VIEW_TRANSFER: gettext_noop("see this transfer application"),
    Action.DECIDE_APPEAL: gettext_noop("decide appeals against transfer decisions"),
    Action.MANAGE_AGREEMENTS: gettext_noop("manage mutual-recognition agreements"),
    Action.SIGN_AGREEMENT: gettext_noop("sign agreements for this institution"),
    Action.HARMONISE_STANDARDS: gettext_noop("harmonise regional recognition standards"),
    Action.AUDIT_COHORT: gettext_noop("audit a cohort of learners"),
    Action.ISSUE_CREDENTIAL: gettext_noop("issue a credential for this outcome"),
    Action.REVOKE_CREDENTIAL: gettext_noop("revoke or suspend this institution's credentials"),
    Action.MANAGE_ISSUER_KEYS: gettext_noop("manage this institution's signing keys"),
    Action.SHARE_RECORD: gettext_noop("share this learner's record"),
    Action.REGISTER_COLLECTIVE: gettext_noop("register this institution's students or staff"),
    Action.RECORD_LEARNING: gettext_noop("record learning that earns no credit"),
    Action.MANAGE_FEEDS: gettext_noop("run this institution's certificate feeds"),
    Action.APPLY_AWARD: gettext_noop("apply for an award"),
    Action.DECIDE_AWARD: gettext_noop("decide award applications to this institution"),
    Action.MANAGE_FEES: gettext_noop("set this institution's windows and fees"),
    Action.SETTLE_CHARGE: gettext_noop("record payments and waivers"),
    Action.MANAGE_NETWORK: gettext_noop("manage the bank's service network"),
    Action.REVIEW_DEPOSIT: gettext_noop("review deposits"),
    Action.PUBLISH_CATALOGUE: gettext_noop("publish the catalogue of recognised learning outcomes"),
}


def role_of(user: User | Any | None) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(user.role)


def allowed(
    user: User | Any | None,
    action: Action,
    *,
    institution_id: int | None = None,
    learner_user_id: int | None = None,
) -> bool:
    """May ``user`` do ``action``, on an object of ``institution_id`` or owned by ``learner_user_id``?"""
    scope = MATRIX[action].get(role_of(user))
    if scope is None:
        return False
    if scope is Scope.OWN_INSTITUTION:
        return institution_id is None or institution_id == getattr(user, "institution_id", None)
    if scope is Scope.OWN_RECORD:
        return learner_user_id is not None and learner_user_id == getattr(user, "pk", None)
    return True


def require(
    user: User | Any | None,
    action: Action,
    *,
    institution_id: int | None = None,
    learner_user_id: int | None = None,
) -> None:
    """Raise PermissionDenied unless the user may do the action (in the given scope)."""
    if not allowed(user, action, institution_id=institution_id, learner_user_id=learner_user_id):
        raise PermissionDenied(action=ACTION_NAMES[action])
