from django.urls import path

from . import flags, oauth, views

app_name = "metrics"

urlpatterns = [
    path("account/<int:pk>/", views.account_metrics, name="account"),
    path("account/<int:pk>/import/metrics/", views.import_metrics, name="import_metrics"),
    path("account/<int:pk>/import/posts/", views.import_posts, name="import_posts"),
    path("account/<int:pk>/import/", views.import_file, name="import_file"),
    path("account/<int:pk>/record/", views.record_value, name="record"),
    path("account/<int:pk>/sync/", views.configure_sync, name="sync"),
    path("account/<int:pk>/sync/douyin/", oauth.douyin_authorise, name="douyin_authorise"),
    path("douyin/callback/", oauth.douyin_callback, name="douyin_callback"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("flags/", flags.flag_list, name="flags"),
    path("flags/<int:pk>/review/", flags.review, name="flag_review"),
    path("template.<str:kind>", views.template_file, name="template"),
]
