"""``yunying demo``: load the demo data (once) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yunying.core import demo


class Command(BaseCommand):
    help = "Create the demo agency, clients, accounts and people (idempotent) and list the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo.seed()
        self.stdout.write("Demo data created." if created else "Demo data already present.")
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for login in demo.logins():
            self.stdout.write(f"  {login.username:<12} {login.role:<18} {login.note}")
