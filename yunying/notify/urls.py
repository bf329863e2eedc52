from django.http import HttpResponse
from django.urls import path

app_name = "notify"

urlpatterns = [path("", lambda request: HttpResponse("todo"), name="list")]
