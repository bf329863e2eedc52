from django.contrib import admin

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import ContractEvent, Invoice, Payment, Statement, StatementLine


@admin.register(Statement)
class StatementAdmin(ScopedReadOnlyAdmin):
    list_display = ("pk", "contract", "period", "status", "total", "corrects")
    list_filter = ("status",)


@admin.register(StatementLine)
class StatementLineAdmin(ScopedReadOnlyAdmin):
    list_display = ("statement", "position", "code", "amount", "origin")


@admin.register(Invoice)
class InvoiceAdmin(ScopedReadOnlyAdmin):
    list_display = ("number", "client", "amount", "paid_amount", "due_on", "status")
    list_filter = ("status",)
    search_fields = ("number",)


@admin.register(Payment)
class PaymentAdmin(ScopedReadOnlyAdmin):
    list_display = ("invoice", "amount", "paid_on", "reference")


@admin.register(ContractEvent)
class ContractEventAdmin(ScopedReadOnlyAdmin):
    list_display = ("contract", "date", "kind", "account", "amount", "ref")
    list_filter = ("kind",)
