from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "creditbank.apps.frameworks"
    label = "frameworks"
    verbose_name = _("Qualifications frameworks")
