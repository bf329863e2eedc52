from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("", views.check, name="check"),
    path("rules/", views.rule_catalogue, name="rules"),
    path("lexicons/", views.lexicon_list, name="lexicons"),
    path("lexicons/<int:client_pk>/", views.lexicon, name="lexicon"),
    path("lexicons/entries/<int:pk>/remove/", views.entry_remove, name="entry_remove"),
]
