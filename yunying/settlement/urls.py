from django.urls import path

from . import views

app_name = "settlement"

urlpatterns = [
    path("", views.StatementListView.as_view(), name="statement_list"),
    path("settle/", views.settle_create, name="settle"),
    path("<int:pk>/", views.statement_detail, name="statement_detail"),
    path("<int:pk>/adjust/", views.statement_adjust, name="statement_adjust"),
    path("<int:pk>/send/", views.statement_send, name="statement_send"),
    path("<int:pk>/correct/", views.statement_correct, name="statement_correct"),
    path("<int:pk>/review/", views.statement_review, name="statement_review"),
    path("invoices/", views.InvoiceListView.as_view(), name="invoice_list"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/pay/", views.payment_create, name="payment_create"),
    path("invoices/<int:pk>/notice/", views.notice_create, name="notice_create"),
    path("contracts/<int:contract_pk>/events/", views.event_list, name="event_list"),
    path("contracts/<int:contract_pk>/events/new/", views.event_create, name="event_create"),
]
