from django.urls import path

from creditbank.apps.accreditation import views

app_name = "accreditation"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<str:ref>/", views.case_detail, name="detail"),
]
