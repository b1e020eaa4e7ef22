from django.urls import path

from creditbank.apps.recognition import views

app_name = "recognition"
urlpatterns = [
    path("rules/", views.rules, name="rules"),
    path("pathways/", views.pathways, name="pathways"),
]
