"""Applying field changes to a model instance with validation and an audit-ready diff."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


def apply_changes(
    obj: models.Model, changes: Mapping[str, Any], *, allowed: Iterable[str]
) -> dict[str, list[Any]]:
    """Set ``changes`` on ``obj`` and validate it; return ``{field: [old, new]}`` for the audit.

    A field outside ``allowed`` is refused by name, so a caller can never slip in a change the
    action does not mean to permit (an account's name, for example).
    """
    refused = sorted(set(changes) - set(allowed))
    if refused:
        raise ValidationError({name: _("This field cannot be changed here.") for name in refused})
    diff: dict[str, list[Any]] = {}
    for name, value in changes.items():
        old = getattr(obj, name)
        if old != value:
            setattr(obj, name, value)
            diff[name] = [old, value]
    # Uniqueness and constraints are checked by the action, which can name the field at fault.
    obj.full_clean(validate_unique=False, validate_constraints=False)
    return diff
