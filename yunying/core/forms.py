"""Form pieces shared by the apps."""

from __future__ import annotations

from django import forms


class ActionModelForm(forms.ModelForm):
    """A ModelForm that only reads and checks its fields; the action builds and validates the row.

    ModelForm would copy the input onto its instance and validate uniqueness without knowing the
    agency; the actions do both with the right tenant and report problems by field. Skipping that
    step also leaves a passed-in instance untouched when the action refuses the change.
    """

    def _post_clean(self) -> None:
        pass
