from django.urls import path

from creditbank.apps.matching import views

app_name = "matching"
urlpatterns = [
    path("postings/", views.postings, name="postings"),
    path("postings/<int:posting_id>/", views.posting, name="posting"),
    path("units/<str:code>/skills/", views.entry_skills, name="entry_skills"),
    path("jobs/", views.jobs, name="jobs"),
    path("curriculum/", views.curriculum, name="curriculum"),
]
