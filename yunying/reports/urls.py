from django.urls import path

from . import dashboards, views, weekly

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
    path("<int:client_id>/<str:month>/", views.monthly, name="monthly"),
    path("<int:client_id>/<str:month>/commentary/", views.commentary, name="commentary"),
    path("<int:client_id>/<str:month>/publish/", views.publish, name="publish"),
    path("<int:client_id>/<str:month>/report.pdf", views.monthly_pdf, name="monthly_pdf"),
    path("<int:client_id>/<str:month>/data.xlsx", views.monthly_xlsx, name="monthly_xlsx"),
]
