from django.urls import path

from . import views

app_name = "workdays"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("import/", views.import_file, name="import"),
    path("<int:year>/", views.year_detail, name="year"),
]
