from django.urls import path

from creditbank.apps.accreditation import views

app_name = "accreditation"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("rpl/new/", views.rpl_new, name="rpl_new"),
    path("<str:ref>/", views.case_detail, name="detail"),
    path("<str:ref>/evidence/<int:evidence_id>/", views.evidence, name="evidence"),
]
