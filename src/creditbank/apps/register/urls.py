from django.urls import path

from creditbank.apps.register import views

app_name = "register"
urlpatterns = [
    path("", views.search, name="search"),
    path("manage/", views.manage, name="manage"),
    path("<str:code>/", views.detail, name="detail"),
]
