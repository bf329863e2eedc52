from django.http import HttpResponse
from django.urls import path

app_name = "tenancy"


def todo(request, pk=None):
    return HttpResponse("todo")


urlpatterns = [
    path("clients/", todo, name="client_list"),
    path("people/", todo, name="people"),
    path("requests/", todo, name="requests"),
    path("requests/team/<int:pk>/", todo, name="team_change_detail"),
]
