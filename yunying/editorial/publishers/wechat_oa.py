"""Publishing a push through the Official Account's draft and publish API.

One push becomes one draft holding every article in slot order, submitted as one publish job;
WeChat reports each article by its 1-based ``idx`` in that order, which maps back to item ids.
Pure of Django, like the client it drives. Errors are codes plus short English descriptions
(``publish_status=4: ...``, ``errcode=45009: ...``) that the caller renders for people.
"""

from __future__ import annotations

from yunying.adapters.wechat_oa import (
    IMAGE_EXTENSIONS,
    PUBLISH_OK,
    PUBLISH_PUBLISHING,
    ArticleFieldError,
    DraftArticle,
    PublishState,
    WeChatError,
    WeChatOAClient,
    check_article_fields,
    check_image,
)

from .base import Article, PublishOutcome, PublishStatus, Push

# The code a submit gets when its answer was lost: the job may exist on WeChat's side.
SUBMIT_UNKNOWN = "publish_submit_unknown"

# File signatures, for covers whose stored name lacks a usable extension.
_SIGNATURES = ((b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF8", "gif"), (b"BM", "bmp"))


class WeChatOAPublisher:
    """Publisher for Official Accounts with API access (mode "wechat_oa")."""

    mode = "wechat_oa"

    def __init__(self, client: WeChatOAClient) -> None:
        self._client = client

    def publish(self, push: Push) -> PublishOutcome:
        """Upload covers, add one draft, submit it; PENDING with the publish_id unless a first
        look already finds it published (or refused)."""
        if not push.articles:
            return _failed("empty push: no articles to publish")
        # Every article is checked before the first call, so a bad one costs no quota, leaves
        # no orphan material behind and names the item to fix.
        for idx, article in enumerate(push.articles, start=1):
            problem = _problem(idx, article)
            if problem:
                return _failed(f"item {article.item_id}: {problem}")
        try:
            drafts = self._draft_articles(push.articles)
            media_id = self._client.add_draft(drafts)
        except WeChatError as exc:
            return _error_outcome(exc)
        try:
            publish_id = self._client.submit_publish(media_id)
        except WeChatError as exc:
            if exc.ambiguous:
                # WeChat may have accepted the job: trying again could publish the message twice
                # to every follower, so a person checks the account first.
                return _failed(
                    f"{SUBMIT_UNKNOWN}: the publish request for draft {media_id} got no answer "
                    f"({exc.errmsg}); check the account's published messages before retrying"
                )
            return _error_outcome(exc)
        try:
            state = self._client.get_publish(publish_id)
        except WeChatError:
            # Submitted is submitted: the job is followed up by poll, never re-published.
            return PublishOutcome(status=PublishStatus.PENDING, external_id=publish_id)
        return _outcome(push, publish_id, state)

    def poll(self, push: Push, external_id: str) -> PublishOutcome:
        """Where the publish job stands. Transient errors (quota, network) leave it PENDING with
        the error noted: the job lives on at WeChat, and a FAILED could lead to publishing it
        again."""
        try:
            state = self._client.get_publish(external_id)
        except WeChatError as exc:
            if exc.retryable:
                return PublishOutcome(
                    status=PublishStatus.PENDING,
                    external_id=external_id,
                    error=_describe(exc),
                    retryable=True,
                )
            return _error_outcome(exc, external_id)
        return _outcome(push, external_id, state)

    def _draft_articles(self, articles: tuple[Article, ...]) -> list[DraftArticle]:
        # Articles sharing a cover upload it once: permanent material counts against a limit.
        thumbs: dict[bytes, str] = {}
        drafts = []
        for article in articles:
            cover = article.cover or b""
            if cover not in thumbs:
                thumbs[cover] = self._client.upload_image(cover, _cover_name(article))
            drafts.append(
                DraftArticle(
                    title=article.title,
                    content=article.content,
                    thumb_media_id=thumbs[cover],
                    author=article.author,
                    digest=article.digest,
                    content_source_url=article.source_url,
                )
            )
        return drafts


def _problem(idx: int, article: Article) -> str:
    """Why WeChat would refuse this article, or ""."""
    try:
        check_article_fields(
            idx,
            title=article.title,
            author=article.author,
            digest=article.digest,
            content=article.content,
        )
        if not article.cover:
            raise ArticleFieldError(idx, "cover", "is missing; WeChat articles need a cover image")
        check_image(article.cover, _cover_name(article))
    except ValueError as exc:
        return str(exc)
    return ""


def _cover_name(article: Article) -> str:
    name = article.cover_name or "cover"
    if "." in name and name.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS:
        return name
    for signature, ext in _SIGNATURES:
        if (article.cover or b"").startswith(signature):
            return f"{name}.{ext}"
    return name


def _outcome(push: Push, publish_id: str, state: PublishState) -> PublishOutcome:
    if state.status == PUBLISH_OK:
        # idx is the article's 1-based position in the push.
        urls = {
            push.articles[idx - 1].item_id: url
            for idx, url in state.article_urls.items()
            if 1 <= idx <= len(push.articles) and url
        }
        return PublishOutcome(status=PublishStatus.PUBLISHED, external_id=publish_id, urls=urls)
    if state.status == PUBLISH_PUBLISHING:
        return PublishOutcome(status=PublishStatus.PENDING, external_id=publish_id)
    error = f"publish_status={state.status}: {state.meaning}"
    failed = [
        f"idx {idx} (item {push.articles[idx - 1].item_id})"
        for idx in state.fail_idx
        if 1 <= idx <= len(push.articles)
    ]
    if failed:
        error += "; failed articles: " + ", ".join(failed)
    return _failed(error, publish_id)


def _describe(exc: WeChatError) -> str:
    return f"errcode={exc.errcode}: {exc.errmsg}"


def _error_outcome(exc: WeChatError, external_id: str = "") -> PublishOutcome:
    return PublishOutcome(
        status=PublishStatus.FAILED,
        external_id=external_id,
        error=_describe(exc),
        retryable=exc.retryable,
    )


def _failed(error: str, external_id: str = "") -> PublishOutcome:
    return PublishOutcome(status=PublishStatus.FAILED, external_id=external_id, error=error)
