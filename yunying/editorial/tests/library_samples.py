"""Samples of the material library, content requests and publishing set-up, made through the
actions; each is found again by its name when a test asks twice (like ``world_contract``)."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from yunying.editorial import actions
from yunying.editorial.choices import ContentKind, IntakeChannel, MaterialKind, MaterialOwner
from yunying.editorial.models import IntakeRequest, Material, PublisherConfig
from yunying.tenancy.choices import Role
from yunying.testing import World, actor


def png_bytes(
    size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name: str = "photo.png", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def _side(world: World, index: int) -> Any:
    return world.alpha.clients[index]


def sample_material(world: World, index: int = 0) -> Material:
    """A photo in the library of alpha's client a1 (index 0) or a2 (1), provided by the client."""
    side = _side(world, index)
    title = f"material of {side.client.name}"
    found = Material.objects.filter(client=side.client, title=title).first()
    if found is not None:
        return found
    return actions.upload_material(
        actor=actor(world.alpha.staff[Role.EDITOR]),
        client=side.client,
        kind=MaterialKind.IMAGE,
        title=title,
        file=png_upload(),
        owner=MaterialOwner.CLIENT,
        licence_note="provided by the client",
    )


def sample_intake(world: World, index: int = 0) -> IntakeRequest:
    """An open request of the client's reviewer."""
    side = _side(world, index)
    title = f"request of {side.client.name}"
    found = IntakeRequest.objects.filter(client=side.client, title=title).first()
    if found is not None:
        return found
    return actions.submit_intake(
        actor=actor(side.reviewer),
        client=side.client,
        title=title,
        kind=ContentKind.WECHAT_ARTICLE,
        channel=IntakeChannel.FREE,
        department="marketing",
    )


def sample_publisher(world: World, index: int = 0) -> PublisherConfig:
    """The client's Official Account set to publish through the WeChat API."""
    side = _side(world, index)
    found = PublisherConfig.objects.filter(account=side.account).first()
    if found is not None:
        return found
    return actions.configure_publisher(
        actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]),
        account=side.account,
        mode="wechat_oa",
        appid=f"wx-appid-{side.client.name.split()[-1]}",
        secret=f"S3cret-appsecret-{index}",
    )
