from django.urls import path

from creditbank.apps.register import catalogue_views, lifecycle_views, views

app_name = "register"
urlpatterns = [
    path("", views.search, name="search"),
    path("manage/", views.manage, name="manage"),
    path("catalogue/", catalogue_views.editions, name="catalogue"),
    path("catalogue/<int:year>/", catalogue_views.edition, name="catalogue_edition"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/lifecycle/", lifecycle_views.entry_lifecycle, name="lifecycle"),
]
