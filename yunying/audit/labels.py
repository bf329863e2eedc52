"""How audit actions read to people. Every action code the code records has a label here
(a test checks it), so the log never shows a bare code such as ``credential.reveal``."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "agency.create": _("Agency registered"),
    "agency.update": _("Agency settings changed"),
    "client.create": _("Client added"),
    "client.update": _("Client changed"),
    "person.create": _("Person added"),
    "membership.appoint": _("Role appointed by the operator"),
    "membership.grant": _("Role granted"),
    "membership.revoke": _("Role removed"),
    "team.add": _("Team member added"),
    "team.change_requested": _("Team change requested"),
    "team.change_approved": _("Team change approved"),
    "team.change_rejected": _("Team change rejected"),
    "team.change_withdrawn": _("Team change withdrawn"),
    "account.create": _("Account added"),
    "account.update": _("Account changed"),
    "account.archive": _("Account archived"),
    "account.change_requested": _("Account change requested"),
    "account.change_approved": _("Account change approved"),
    "account.change_rejected": _("Account change rejected"),
    "account.change_withdrawn": _("Account change withdrawn"),
    "credential.store": _("Login stored in the vault"),
    "credential.reveal": _("Password revealed"),
    "vault.rotate": _("Vault re-encrypted under a new key"),
    "metrics.import": _("Daily metrics imported"),
    "metrics.import_posts": _("Posts imported"),
    "metrics.record": _("Metric entered by hand"),
    "calendar.import": _("Holiday calendar imported"),
    "contract.create": _("Contract created"),
    "contract.update_terms": _("Draft contract terms changed"),
    "contract.sign": _("Contract signed"),
    "contract.amend": _("Contract amended"),
    "contract.end": _("Contract ended"),
    "contract.terminate": _("Contract terminated"),
    "contract.team": _("Contract team changed"),
    "statement.settle": _("Statement settled"),
    "statement.run": _("Monthly settlement run"),
    "statement.adjust": _("Statement adjusted"),
    "statement.send": _("Statement sent to the client"),
    "statement.approve": _("Statement approved"),
    "statement.dispute": _("Statement disputed"),
    "statement.correct": _("Statement corrected"),
    "invoice.payment": _("Payment recorded"),
    "invoice.notice": _("Written payment notice recorded"),
    "contract_event.record": _("Contract event recorded"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))
