from django.urls import path

from creditbank.apps.deposits import feeds_views, reviews_views, views

app_name = "deposits"
urlpatterns = [
    path("", views.deposits, name="deposits"),
    path("template.csv", views.template, name="template"),
    path("batches/<int:batch_id>/", views.batch, name="batch"),
    path("batches/<int:batch_id>/problems.csv", views.batch_problems_csv, name="batch_problems"),
    path("jobs/<int:job_id>/", views.job, name="job"),
    path("jobs/<int:job_id>/problems.csv", views.job_problems_csv, name="job_problems"),
    path("outcomes/<int:outcome_id>/", views.outcome, name="outcome"),
    path("statement/", views.my_statement, name="statement"),
    path("records/", views.records, name="records"),
    path("feeds/", feeds_views.feed_list, name="feeds"),
    path("reviews/", reviews_views.review_list, name="reviews"),
    path("feeds/<slug:code>/", feeds_views.feed_detail, name="feed"),
]
