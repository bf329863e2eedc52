"""Kinds of in-app notification, each with the sentence it renders to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """Why someone is being told something. Texts are rendered at display time (see MESSAGES)."""

    # An account's platform certification expires soon (seed 002 item 14).
    CERTIFICATION_EXPIRY = "certification_expiry", _("Certification expiring")
    # The agency asks the client to approve a team change.
    TEAM_CHANGE_REQUESTED = "team_change_requested", _("Team change requested")
    # The client approved or rejected a team change.
    TEAM_CHANGE_DECIDED = "team_change_decided", _("Team change decided")
    # The agency asks the client to approve an account rename or password change.
    ACCOUNT_CHANGE_REQUESTED = "account_change_requested", _("Account change requested")
    # The client approved or rejected an account change.
    ACCOUNT_CHANGE_DECIDED = "account_change_decided", _("Account change decided")
    # Finance sent a monthly statement to the client's reviewer for approval.
    STATEMENT_SENT = "statement_sent", _("Statement to approve")
    # The client's reviewer approved or disputed a statement.
    STATEMENT_DECIDED = "statement_decided", _("Statement decided")
    # A contract date is near: renewal notice, report or payment day, a one-off fee, the end.
    CONTRACT_REMINDER = "contract_reminder", _("Contract reminder")
    # A content item waits for the client's review (seed 000: the client reviews every video).
    CONTENT_REVIEW_REQUESTED = "content_review_requested", _("Content to review")
    # A reviewer (supervisor or client) returned an item for revision.
    CONTENT_RETURNED = "content_returned", _("Content returned")
    # The client returned an item more often than the contract allows.
    CONTENT_OVER_ROUNDS = "content_over_rounds", _("Revision rounds exceeded")
    # The client approved an item; it is scheduled.
    CONTENT_APPROVED = "content_approved", _("Content approved")
    # The client's answer is overdue (escalation) or silence reached the termination trigger.
    CONTENT_REVIEW_OVERDUE = "content_review_overdue", _("Client review overdue")
    # A scheduled item is due and its account is published by hand.
    CONTENT_PUBLISH_DUE = "content_publish_due", _("Content to publish")
    # The platform refused to publish a scheduled item.
    CONTENT_PUBLISH_FAILED = "content_publish_failed", _("Publishing failed")
    # Published content was taken down (recorded; never silently deleted).
    CONTENT_WITHDRAWN = "content_withdrawn", _("Published content withdrawn")
    # Another department or the client asked for content.
    INTAKE_SUBMITTED = "intake_submitted", _("Content request")
    # A monthly operations report was published to the client.
    REPORT_PUBLISHED = "report_published", _("Monthly report published")
    # A monthly report is due and the account manager's problems and suggestions are missing.
    REPORT_COMMENTARY_MISSING = "report_commentary_missing", _("Monthly report needs writing")
    # The e-mail of a published report could not be delivered after its last attempt.
    REPORT_EMAIL_FAILED = "report_email_failed", _("Report e-mail failed")
    # Suspicious engagement was flagged on an account and waits for a reviewer.
    ENGAGEMENT_FLAGGED = "engagement_flagged", _("Suspicious engagement")


class BotKind(models.TextChoices):
    """Which chat platform a team group's webhook bot posts to (docs PLATFORMS.md "Group bots")."""

    # WeCom (企业微信) group bot: the webhook's key is the credential; no signing secret.
    WECOM = "wecom", _("WeCom")
    # DingTalk custom robot with signing ("加签"): needs the SEC… secret.
    DINGTALK = "dingtalk", _("DingTalk")
    # Feishu custom bot with signature verification: needs the secret.
    FEISHU = "feishu", _("Feishu")


# Kinds whose messages must be signed, so adding one without its secret is refused.
SIGNED_BOT_KINDS = frozenset({BotKind.DINGTALK, BotKind.FEISHU})
