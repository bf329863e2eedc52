from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountListView.as_view(), name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/archive/", views.account_archive, name="archive"),
    path("<int:pk>/credential/", views.credential_store, name="credential_store"),
    path("<int:pk>/reveal/", views.credential_reveal, name="reveal"),
    path("<int:pk>/changes/new/", views.change_request_create, name="change_create"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/decide/", views.change_decide, name="change_decide"),
    path("changes/<int:pk>/withdraw/", views.change_withdraw, name="change_withdraw"),
]
