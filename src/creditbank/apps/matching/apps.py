from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "creditbank.apps.matching"
    label = "matching"
    verbose_name = _("Skills and job matching")
