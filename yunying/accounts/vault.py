"""The credential vault's cryptography: Fernet tokens under a rotating list of keys.

Keys come from ``YUNYING_VAULT_KEYS`` (comma-separated, newest first) or from the key file
``YUNYING_VAULT_KEY_FILE`` (one key per line, newest first). New secrets are encrypted with the
newest key; any listed key decrypts. Rotation puts a new key first, re-encrypts every stored
token with it (``yunying vault rotate``), after which old keys can be dropped.

Plaintext lives only in local variables of the functions below, which are marked sensitive so
Django's error reports mask them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables


class VaultNotConfigured(ImproperlyConfigured):
    """No usable key: the vault refuses to store or reveal anything."""


class VaultDecryptError(Exception):
    """A stored token matches none of the configured keys (a key was dropped too early)."""


class RevealedSecret:
    """A plaintext on its way to one page: prints as itself, but its ``repr`` is masked.

    Error pages and loggers show values by ``repr``; templates show them by ``str``. So a
    revealed password renders where it was asked for, and nowhere else, even when a frame of
    the template engine holding it ends up in a debug page.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __str__(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "RevealedSecret('********')"

    @property
    def value(self) -> str:
        return self._value


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def key_file() -> Path:
    return Path(settings.YUNYING_VAULT_KEY_FILE)


def configured_keys() -> tuple[str, ...]:
    """The keys in force, newest first; raises a clear error when none are configured."""
    raw = settings.YUNYING_VAULT_KEYS
    if raw:
        keys = [k.strip() for k in raw.split(",") if k.strip()]
    elif key_file().exists():
        keys = [
            line.strip()
            for line in key_file().read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
    else:
        keys = []
    if not keys:
        raise VaultNotConfigured(
            "No vault key: set YUNYING_VAULT_KEYS or run `yunying vault init` to create "
            f"{key_file()}."
        )
    return tuple(keys)


@lru_cache(maxsize=4)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode("ascii")) for k in keys])
    except (ValueError, TypeError) as exc:
        raise VaultNotConfigured("A vault key is not a valid Fernet key.") from exc


def _cipher() -> MultiFernet:
    return _multi_fernet(configured_keys())


@sensitive_variables("plaintext")
def encrypt(plaintext: str) -> str:
    """Encrypt with the newest key."""
    return _cipher().encrypt(plaintext.encode("utf-8")).decode("ascii")


@sensitive_variables()
def decrypt(token: str) -> str:
    """Decrypt with whichever configured key made the token."""
    try:
        return _cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise VaultDecryptError("The stored secret matches none of the vault keys.") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key (the plaintext never leaves cryptography)."""
    try:
        return _cipher().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise VaultDecryptError("The stored secret matches none of the vault keys.") from exc


def is_current(token: str) -> bool:
    """True when the newest key alone can decrypt the token."""
    try:
        Fernet(configured_keys()[0].encode("ascii")).decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def write_key_file(keys: list[str]) -> Path:
    """Write the key file (newest first) readable by its owner only."""
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text("".join(f"{k}\n" for k in keys))
    return path
