"""The notification list of the signed-in person; the bots of each client's team group."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from yunying.core.views import action_form_page
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import actor_for, get_visible_or_404

from . import actions
from .forms import GroupBotForm
from .models import GroupBot, GroupBotDelivery, Notification


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.visible_to(actor_for(request))[:100]
    return render(request, "notify/list.html", {"notifications": rows})


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark as read, then follow the notification's link."""
    note = get_visible_or_404(Notification, actor_for(request), pk=pk)
    actions.mark_read(note, actor=actor_for(request))
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
        return redirect(note.url)
    return redirect("notify:list")


# --- Team group bots --------------------------------------------------------------------------


def bots_url(client_pk: int) -> str:
    return reverse("groupbots:list", args=[client_pk])


@login_required
def bot_list(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The bots of one client's team group and what they delivered lately."""
    actor = policy.actor_with(request, "notify.view_groupbot")
    client = get_visible_or_404(Client, actor, pk=client_pk)
    bots = GroupBot.objects.visible_to(actor).filter(client=client)
    deliveries = (
        GroupBotDelivery.objects.visible_to(actor)
        .filter(bot__client=client)
        .select_related("bot")[:20]
    )
    return render(
        request,
        "notify/groupbot_list.html",
        {
            "client": client,
            "bots": bots,
            "deliveries": deliveries,
            "has_active": any(bot.is_active for bot in bots),
            "can_add": policy.can(actor, "notify.add_groupbot"),
            "can_remove": policy.can(actor, "notify.delete_groupbot"),
            "can_test": policy.can(actor, "notify.test_groupbot"),
        },
    )


@sensitive_post_parameters("webhook", "secret")
@login_required
@sensitive_variables()
def bot_add(request: HttpRequest, client_pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "notify.add_groupbot")
    client = get_visible_or_404(Client, actor, pk=client_pk)
    return action_form_page(
        request,
        GroupBotForm(request.POST or None),
        perform=lambda data: actions.add_group_bot(actor=actor, client=client, **data),
        success=_("Group bot added."),
        redirect_to=lambda bot: bots_url(bot.client_id),
        title=_("Add a group bot for %(client)s") % {"client": client.name},
        intro=_(
            "Previews go to the team's group chat through its bot. Copy the webhook (and for "
            "DingTalk and Feishu the signing secret) from the bot's settings in the group."
        ),
        cancel_url=bots_url(client.pk),
    )


@require_POST
@login_required
def bot_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "notify.delete_groupbot")
    bot = get_visible_or_404(GroupBot, actor, pk=pk)
    actions.remove_group_bot(actor=actor, bot=bot)
    messages.success(request, _("Group bot removed."))
    return redirect(bots_url(bot.client_id))


@require_POST
@login_required
def bot_test(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Post a test message to every active bot of the client; say how each delivery went."""
    actor = policy.actor_with(request, "notify.test_groupbot")
    client = get_visible_or_404(Client, actor, pk=client_pk)
    url = request.build_absolute_uri(bots_url(client.pk))
    deliveries = actions.send_test_message(actor=actor, client=client, url=url)
    if not deliveries:
        messages.warning(request, _("No active bot: add one first."))
    for delivery in deliveries:
        if delivery.ok:
            messages.success(request, _("%(bot)s: delivered.") % {"bot": delivery.bot})
        else:
            messages.error(
                request,
                _("%(bot)s: not delivered (%(code)s %(error)s).")
                % {
                    "bot": delivery.bot,
                    "code": delivery.error_code,
                    "error": delivery.error_message,
                },
            )
    return redirect(bots_url(client.pk))
