"""``yunying vault``: create keys and re-encrypt the vault under the newest key."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yunying.accounts import vault
from yunying.accounts.actions import rotate_vault


class Command(BaseCommand):
    help = "Credential vault keys: init, genkey, rotate, status."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("init", help="Create the key file with one new key if it does not exist.")
        sub.add_parser("genkey", help="Print a new key (for YUNYING_VAULT_KEYS).")
        rotate = sub.add_parser(
            "rotate", help="Re-encrypt every stored secret with the newest key."
        )
        rotate.add_argument(
            "--add-key",
            action="store_true",
            help="First put a new key at the top of the key file (key-file setups only).",
        )
        sub.add_parser(
            "status", help="Show how many keys are configured and how many secrets are stale."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    def _init(self, options: dict[str, Any]) -> None:
        path = vault.key_file()
        if path.exists() and path.read_text().strip():
            self.stdout.write(f"Key file already exists: {path}")
            return
        vault.write_key_file([vault.generate_key()])
        self.stdout.write(
            f"Created {path} (mode 600). Back it up: without it no password can be read."
        )

    def _genkey(self, options: dict[str, Any]) -> None:
        self.stdout.write(vault.generate_key())

    def _rotate(self, options: dict[str, Any]) -> None:
        from django.conf import settings

        if options["add_key"]:
            if settings.YUNYING_VAULT_KEYS:
                raise CommandError(
                    "Keys come from YUNYING_VAULT_KEYS: put a new key first there, then rotate."
                )
            vault.write_key_file([vault.generate_key(), *vault.configured_keys()])
            self.stdout.write(f"Added a new key at the top of {vault.key_file()}.")
        try:
            counts = rotate_vault()
        except vault.VaultDecryptError as exc:
            raise CommandError(f"{exc} Nothing was changed.") from exc
        self.stdout.write(
            f"Re-encrypted {sum(counts.values())} stored secrets with the newest key: "
            + ", ".join(f"{name} {n}" for name, n in counts.items())
            + "."
        )

    def _status(self, options: dict[str, Any]) -> None:
        from yunying.accounts.actions import vaulted_tokens

        keys = vault.configured_keys()
        tokens = vaulted_tokens()
        stale = sum(1 for t in tokens if not vault.is_current(t))
        self.stdout.write(
            f"{len(keys)} keys configured; {len(tokens)} secrets stored; "
            f"{stale} not under the newest key."
        )
