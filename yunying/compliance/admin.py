from django.contrib import admin

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import LexiconEntry


@admin.register(LexiconEntry)
class LexiconEntryAdmin(ScopedReadOnlyAdmin):
    """The clients' own lexicon entries, removed ones included (changes go through the page)."""

    list_display = ("term", "client", "kind", "category", "severity", "added_in", "removed_in")
    list_filter = ("kind", "severity", "category")
    search_fields = ("term", "reason")
