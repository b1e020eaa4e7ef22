from django.urls import path

from creditbank.apps.accounts import (
    account_reviews_views,
    collective_views,
    learner_views,
    network_views,
    views,
)

app_name = "accounts"
urlpatterns = [
    path("api-keys/", views.api_keys, name="api_keys"),
    path("me/", learner_views.my_account, name="my_account"),
    path("me/export.json", learner_views.my_export, name="my_export"),
    path("learners/", learner_views.learners, name="learners"),
    path("learners/<str:number>/receipt/", learner_views.receipt, name="receipt"),
    path("documents/<int:document_id>/", learner_views.document, name="document"),
    path("signup/", learner_views.signup, name="signup"),
    path("institutions/", views.institutions, name="institutions"),
    path("assessors/", views.assessors, name="assessors"),
    path("collective/", collective_views.registrations, name="registrations"),
    path("collective/<int:registration_id>/", collective_views.registration, name="registration"),
    path("activate/", collective_views.activate, name="activate"),
    path("network/", network_views.network_page, name="network"),
    path("reviews/", account_reviews_views.account_reviews, name="account_reviews"),
]
