from django.urls import path

from creditbank.apps.accounts import views

app_name = "accounts"
urlpatterns = [path("api-keys/", views.api_keys, name="api_keys")]
