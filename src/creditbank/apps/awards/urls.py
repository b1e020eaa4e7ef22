from django.urls import path

from creditbank.apps.awards import views

app_name = "awards"
urlpatterns = [
    path("", views.award_list, name="list"),
    path("apply/", views.apply, name="apply"),
    path("settings/", views.fee_settings, name="settings"),
    path("receipts/<str:number>/", views.receipt, name="receipt"),
    path("expected/<str:qualification>/", views.expected, name="expected"),
    path("<str:ref>/", views.detail, name="detail"),
]
