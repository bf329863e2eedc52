"""Pages of the team groups' bots, under /notify/bots/ (the notification list is elsewhere)."""

from django.urls import path

from . import views

app_name = "groupbots"

urlpatterns = [
    path("client/<int:client_pk>/", views.bot_list, name="list"),
    path("client/<int:client_pk>/add/", views.bot_add, name="add"),
    path("client/<int:client_pk>/test/", views.bot_test, name="test"),
    path("<int:pk>/remove/", views.bot_remove, name="remove"),
]
