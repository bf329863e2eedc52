from django.urls import path

from . import views

app_name = "tenancy"

urlpatterns = [
    path("clients/", views.ClientListView.as_view(), name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:pk>/", views.ClientDetailView.as_view(), name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/team/add/", views.team_member_add, name="team_member_add"),
    path("team/<int:pk>/change/", views.team_change_request, name="team_change_request"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/team/<int:pk>/", views.team_change_detail, name="team_change_detail"),
    path("requests/team/<int:pk>/decide/", views.team_change_decide, name="team_change_decide"),
    path(
        "requests/team/<int:pk>/withdraw/", views.team_change_withdraw, name="team_change_withdraw"
    ),
    path("people/", views.people, name="people"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/roles/<int:pk>/revoke/", views.membership_revoke, name="membership_revoke"),
    path("agency/settings/", views.agency_settings, name="agency_settings"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/switch/", views.switch_agency, name="switch_agency"),
    path("agencies/new/", views.agency_register, name="agency_register"),
]
