from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "creditbank.web"
    label = "web"
    verbose_name = _("Web portal")

    def ready(self) -> None:
        from creditbank.config import checks  # noqa: F401  (registers the CREDITBANK system checks)
