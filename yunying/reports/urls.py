from django.urls import path

from . import competitors, dashboards, views, weekly

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("weekly/", weekly.weekly_pack, name="weekly"),
    path("dashboard/<int:client_id>/", dashboards.client_dashboard, name="client_dashboard"),
    path(
        "dashboard/account/<int:account_id>/",
        dashboards.account_dashboard,
        name="account_dashboard",
    ),
    path("competitors/<int:client_id>/", competitors.competitors, name="competitors"),
    path("competitors/<int:client_id>/add/", competitors.add_competitor, name="add_competitor"),
    path("competitors/<int:client_id>/note/", competitors.add_note, name="competitor_note"),
    path(
        "competitors/note/<int:pk>/remove/",
        competitors.remove_note,
        name="competitor_note_remove",
    ),
    path(
        "competitors/account/<int:account_id>/stop/",
        competitors.stop_watching,
        name="stop_watching",
    ),
    path("<int:client_id>/<str:month>/", views.monthly, name="monthly"),
    path("<int:client_id>/<str:month>/commentary/", views.commentary, name="commentary"),
    path("<int:client_id>/<str:month>/publish/", views.publish, name="publish"),
    path("<int:client_id>/<str:month>/resend/", views.resend, name="resend"),
    path("<int:client_id>/<str:month>/report.pdf", views.monthly_pdf, name="monthly_pdf"),
    path("<int:client_id>/<str:month>/data.xlsx", views.monthly_xlsx, name="monthly_xlsx"),
]
