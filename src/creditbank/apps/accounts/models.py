"""People, institutions and machine credentials."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    INSTITUTION = "institution", _("Institution staff")
    ASSESSOR = "assessor", _("Assessor")
    OPERATOR = "operator", _("Bank operator")
    EMPLOYER = "employer", _("Employer / verifier")


class Region(models.TextChoices):
    GUANGDONG = "GD", _("Guangdong")
    HONG_KONG = "HK", _("Hong Kong")
    MACAO = "MO", _("Macao")
    OTHER_PROVINCE = "CN", _("Other province")
    ABROAD = "XX", _("Outside China")


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    VOCATIONAL_COLLEGE = "vocational_college", _("Vocational college")
    OPEN_UNIVERSITY = "open_university", _("Open university")
    TRAINING_BODY = "training_body", _("Training body")
    ENTERPRISE = "enterprise", _("Enterprise")
    CERTIFICATE_BODY = "certificate_body", _("Certificate body")


class UnitLevel(models.TextChoices):
    CENTRE = "centre", _("Bank centre")
    SUB_CENTRE = "sub_centre", _("Sub-centre")
    SITE = "site", _("Accreditation site")


class ServiceUnit(models.Model):
    """The bank's service network: the centre, its sub-centres (by region or sector) and the
    accreditation sites under them, where staff open accounts at a counter and review deposits."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    territory = models.CharField(_("territory or sector"), max_length=100, blank=True)
    opened_on = models.DateField(_("opened"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.level})"


class Institution(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    region = models.CharField(_("region"), max_length=2, choices=Region.choices)
    city = models.CharField(_("city"), max_length=64, blank=True)
    # Mainland organisations' unified social credit code (GB 32100); Hong Kong and Macao have none.
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True
    )
    alliance_joined = models.DateField(_("joined the alliance"), null=True, blank=True)
    alliance_left = models.DateField(_("left the alliance"), null=True, blank=True)
    # A domain the institution controls: it issues credentials as did:web:<domain>, whose DID
    # document creditbank serves (the institution publishes it at /.well-known/did.json).
    web_domain = models.CharField(_("web domain"), max_length=253, unique=True, null=True, blank=True)
    # The accreditation site its deposits are reviewed at (when review applies).
    service_unit = models.ForeignKey(
        ServiceUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="institutions"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"

    def display_name(self, language_code: str) -> str:
        return self.name_zh if language_code.startswith("zh") else self.name_en

    def in_alliance(self, on: date) -> bool:
        """Was the institution a member of the credit-bank alliance on this date?"""
        if self.alliance_joined is None or on < self.alliance_joined:
            return False
        return self.alliance_left is None or on < self.alliance_left


class User(AbstractUser):
    """Every person who signs in. A role decides what they may do; staff belong to one institution."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.LEARNER)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    # Bank staff work at one unit of the service network; empty for staff of the whole bank.
    service_unit = models.ForeignKey(
        ServiceUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # Assessors: the sectors they can judge (register sector codes), for choosing panels.
    expertise_sectors = models.JSONField(_("expertise sectors"), default=list, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="institution_staff_have_institution",
                condition=~models.Q(role="institution") | models.Q(institution__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiKey(models.Model):
    """A machine credential for one institution. Only a hash of the secret is stored.

    Keys are 256-bit random tokens, so a fast hash (SHA-256) is enough: there is nothing to
    brute-force, unlike human passwords, which use Argon2.
    """

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.institution.code})"


class AccountStatus(models.TextChoices):
    OFFICIAL = "official", _("official")
    PENDING = "pending", _("under review")
    REJECTED = "rejected", _("rejected")


class Learner(models.Model):
    """A lifelong learning account (终身学习账号): one per person, across all institutions.

    The identity document number is stored encrypted; ``id_index`` (a keyed HMAC of the
    normalised identity) finds the person and keeps a second account from being opened.
    """

    public_id = models.CharField(_("learner number"), max_length=16, unique=True)
    user = models.OneToOneField(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learner",
        verbose_name=_("sign-in"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    id_scheme = models.CharField(_("identity document"), max_length=16)
    id_country = models.CharField(_("issuing state"), max_length=3, blank=True)
    id_number_encrypted = models.TextField()
    id_index = models.CharField(max_length=64, unique=True)
    region = models.CharField(_("region"), max_length=2, choices=Region.choices)
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    opened_at_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    # Where the bank requires it, an account is reviewed (its site, then the sub-centre) before it
    # is official; until then it holds what is deposited but cannot apply for anything.
    status = models.CharField(
        _("status"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.OFFICIAL
    )
    awaiting_level = models.PositiveSmallIntegerField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    review_unit = models.ForeignKey(
        ServiceUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["public_id"]
        verbose_name = _("learner account")
        verbose_name_plural = _("learner accounts")

    def __str__(self) -> str:
        return f"{self.public_id} {self.full_name}"


class CollectiveRegistration(models.Model):
    """One file of students or staff registered by an institution or enterprise (集体开户)."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="registrations")
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    content_hash = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(_("new accounts"), default=0)
    existing = models.PositiveIntegerField(_("existing accounts"), default=0)
    rejected = models.PositiveIntegerField(_("rows refused"), default=0)
    problems = models.JSONField(default=list)  # [{"line": n, "problems": [...]}] of the refused rows
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_via_key = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "content_hash"], name="one_registration_per_file"),
        ]

    def __str__(self) -> str:
        return f"registration {self.pk} of {self.institution.code}"


class RosterEntry(models.Model):
    """A person on an institution's roster, with the one-time code that activates their account."""

    # Empty for an account opened at a counter: the code is printed on the opening receipt.
    registration = models.ForeignKey(
        CollectiveRegistration, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="roster_entries")
    member_ref = models.CharField(_("student or staff number"), max_length=64, blank=True)
    new_account = models.BooleanField(default=True)  # False: the person already had an account
    code_encrypted = models.TextField(blank=True)  # empty once activated, or when no code is needed
    code_expires_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "learner"], name="one_entry_per_learner")
        ]
        indexes = [models.Index(fields=["learner"], name="roster_entry_learner")]

    def __str__(self) -> str:
        return f"{self.learner_id} on registration {self.registration_id}"


class LearnerDocument(models.Model):
    """A paper document a learner brought to a counter (a certificate, a transcript), scanned by
    staff and kept on the learner's account; served only to the learner and the bank's staff."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("document"), max_length=200)
    file = models.FileField(upload_to="documents/%Y/%m/")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # Where it was filed: the staff member's institution (whose staff may see it again) or unit.
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(ServiceUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(_("filed"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.title}"


class AccountReviewPolicy(models.Model):
    """How many levels review a new account before it is official: 0 none, 1 its site, 2 its site
    then the sub-centre. One row; no row means none."""

    levels = models.PositiveSmallIntegerField(_("review levels"), default=0)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"accounts: {self.levels}"


class AccountReview(models.Model):
    """One review step of a new account: who, at which unit and level, when and why."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="reviews")
    level = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(ServiceUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decision = models.CharField(max_length=16)  # approved, rejected
    reason = models.TextField(blank=True)
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["learner_id", "at", "pk"]

    def __str__(self) -> str:
        return f"review {self.level} of account {self.learner_id}: {self.decision}"
