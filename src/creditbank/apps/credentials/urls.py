from django.urls import path

from creditbank.apps.credentials import views

app_name = "credentials"
urlpatterns = [
    path("", views.credentials, name="list"),
    path("keys/", views.issuer_key_list, name="keys"),
    path("shares/", views.shares, name="shares"),
    path("shares/<int:link_id>/", views.share, name="share"),
    path("status/<int:list_id>/", views.status_list, name="status-list"),
    path("issuers/<slug:code>/did.json", views.did_document, name="did"),
    path("<uuid:credential_id>/", views.detail, name="detail"),
    path("<uuid:credential_id>/download/", views.download, name="download"),
    path("<uuid:credential_id>/certificate.pdf", views.certificate, name="certificate"),
]
