from django.urls import path

from creditbank.apps.accounts import learner_views, views

app_name = "accounts"
urlpatterns = [
    path("api-keys/", views.api_keys, name="api_keys"),
    path("me/", learner_views.my_account, name="my_account"),
    path("me/export.json", learner_views.my_export, name="my_export"),
    path("learners/", learner_views.learners, name="learners"),
    path("signup/", learner_views.signup, name="signup"),
    path("institutions/", views.institutions, name="institutions"),
    path("assessors/", views.assessors, name="assessors"),
]
