from django.http import HttpResponse
from django.urls import path

app_name = "accounts"


def todo(request, pk=None):
    return HttpResponse("todo")


urlpatterns = [
    path("", todo, name="list"),
    path("<int:pk>/", todo, name="detail"),
    path("changes/<int:pk>/", todo, name="change_detail"),
]
