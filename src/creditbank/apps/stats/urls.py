from django.urls import path

from creditbank.apps.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<str:name>.csv", views.chart_csv, name="csv"),
]
