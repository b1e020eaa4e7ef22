from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from creditbank.api.main import api
from creditbank.apps.awards import views as awards_views
from creditbank.apps.credentials import views as credential_views
from creditbank.web import views as web_views

handler403 = "creditbank.web.views.permission_denied"
handler404 = "creditbank.web.views.page_not_found"
handler500 = "creditbank.web.views.server_error"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("frameworks/", include("creditbank.apps.frameworks.urls")),
    path("account/", include("creditbank.apps.accounts.urls")),
    path("register/", include("creditbank.apps.register.urls")),
    path("accreditation/", include("creditbank.apps.accreditation.urls")),
    path("deposits/", include("creditbank.apps.deposits.urls")),
    path("ledger/", include("creditbank.apps.ledger.urls")),
    path("recognition/", include("creditbank.apps.recognition.urls")),
    path("credentials/", include("creditbank.apps.credentials.urls")),
    path("awards/", include("creditbank.apps.awards.urls")),
    path("matching/", include("creditbank.apps.matching.urls")),
    path("stats/", include("creditbank.apps.stats.urls")),
    path("overdue/", awards_views.overdue, name="overdue"),
    path("verify/", credential_views.verify_page, name="verify"),
    path("verify/<uuid:credential_id>/", credential_views.verify_stored, name="verify-stored"),
    path("shared/<str:token>/", credential_views.shared, name="shared"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
