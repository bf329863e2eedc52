from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.ContractListView.as_view(), name="list"),
    path("new/", views.contract_create, name="create"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/sign/", views.contract_sign, name="sign"),
    path("<int:pk>/amend/", views.contract_amend, name="amend"),
    path("<int:pk>/end/", views.contract_end, name="end"),
    path("<int:pk>/team/", views.contract_team, name="team"),
    path("<int:pk>/versions/<int:number>/", views.contract_detail, name="version"),
    path("<int:pk>/versions/<int:number>/yaml/", views.version_yaml, name="version_yaml"),
    path(
        "<int:pk>/versions/<int:number>/document.<str:fmt>",
        views.version_document,
        name="version_document",
    ),
]
