from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "creditbank.apps.accreditation"
    label = "accreditation"
    verbose_name = _("Accreditation and quality assurance")
