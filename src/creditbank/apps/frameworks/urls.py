from django.urls import path

from creditbank.apps.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("compare/", views.compare, name="compare"),
    path("levels/map/", views.level_map, name="level_map"),
    path("credits/convert/", views.credit_convert, name="credit_convert"),
    path("publish/", views.publish, name="publish"),
    path("<str:code>/", views.framework_detail, name="detail"),
]
