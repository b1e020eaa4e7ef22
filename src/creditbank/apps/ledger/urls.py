from django.urls import path

from creditbank.apps.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.ledger, name="ledger"),
]
