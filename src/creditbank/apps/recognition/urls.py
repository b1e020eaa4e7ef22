from django.urls import path

from creditbank.apps.recognition import views

app_name = "recognition"
urlpatterns = [
    path("rules/", views.rules, name="rules"),
    path("pathways/", views.pathways, name="pathways"),
    path("standards/", views.standards, name="standards"),
    path("standards/<str:code>/", views.standard, name="standard"),
    path("cohort-audits/", views.cohorts, name="cohorts"),
    path("cohort-audits/<int:job_id>/", views.cohort, name="cohort"),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/<str:code>/", views.agreement, name="agreement"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/apply/", views.transfer_apply_view, name="transfer_apply"),
    path("transfers/<str:ref>/", views.transfer, name="transfer"),
]
