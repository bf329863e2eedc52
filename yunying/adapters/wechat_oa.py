"""WeChat Official Account (公众号) API client: access tokens, permanent images, drafts, publishing.

Plain Python on urllib (no Django) so it is tested against the local fake server alone and can be
reused by the data-cube importer: every endpoint goes through ``call``, which adds the access
token, refreshes it once when WeChat refuses it and turns WeChat's ``errcode`` answers into
``WeChatError``. Formats follow docs/PLATFORMS.md, section "WeChat Official Account".

The app secret never leaves this module except in the token request's body: it is held in a
wrapper whose repr is masked, and error messages are scrubbed of it and of the access token.
"""

from __future__ import annotations

import json as jsonlib
import logging
import mimetypes
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.client import HTTPException
from typing import Any, Literal, Protocol

from yunying.adapters.secret import Secret

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.weixin.qq.com"

# The access token was refused: fetch a new one and try the call once more.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# The same call may succeed later: -1 system busy, 45009 daily quota, 45011 per-minute quota.
RETRYABLE_ERRORS = frozenset({-1, 45009, 45011})
# Our own code for failures below WeChat (network, HTTP status, unreadable answers). It shares
# WeChat's "system busy" code because the remedy is the same: try again later.
NETWORK_ERRCODE = -1

# A token this close to its expiry is replaced before use, so a call does not start with a token
# that dies in flight. Stable tokens always come with at least 300 s left, so this never loops.
REFRESH_MARGIN = 120.0

# draft/add limits (characters unless stated).
TITLE_MAX = 32
AUTHOR_MAX = 16
DIGEST_MAX = 128
# Content: fewer than 20,000 characters and less than 1 MB. We read the characters as the text a
# reader sees (tags stripped) and the bytes as the whole HTML in UTF-8: were both limits about the
# same string, the byte limit could never bite (20,000 characters are at most 80 KB), and styled
# editor HTML easily runs past 20,000 characters of markup for a short article.
CONTENT_MAX_CHARS = 20_000
CONTENT_MAX_BYTES = 1024 * 1024
# Permanent image material: at most 2 MB, one of these formats.
IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_EXTENSIONS = frozenset({"bmp", "png", "jpeg", "jpg", "gif"})

# freepublish/get publish_status values.
PUBLISH_OK = 0
PUBLISH_PUBLISHING = 1
PUBLISH_STATUS_MEANINGS = {
    0: "published",
    1: "publishing",
    2: "original-content claim failed",
    3: "publishing failed",
    4: "rejected by WeChat's content audit",
    5: "deleted by the account after publishing",
    6: "banned by WeChat after publishing",
}


class WeChatError(Exception):
    """WeChat (or the way to it) refused a call.

    ``retryable``: the same call may succeed later (quota, busy, network). ``ambiguous``: the
    request may have reached WeChat and been carried out although no answer came back, so
    repeating a non-idempotent call (publishing) could do it twice.
    """

    def __init__(
        self, errcode: int, errmsg: str, retryable: bool = False, ambiguous: bool = False
    ) -> None:
        super().__init__(f"WeChat errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.retryable = retryable
        self.ambiguous = ambiguous

    def __reduce__(self) -> tuple[Any, ...]:
        # Task queues pickle exceptions; the default reduce would lose the keyword fields.
        return (type(self), (self.errcode, self.errmsg, self.retryable, self.ambiguous))


class ArticleFieldError(ValueError):
    """An article breaks a documented draft/add limit; raised before anything is sent."""

    def __init__(self, idx: int, field: str, problem: str) -> None:
        super().__init__(f"article {idx}: {field} {problem}")
        # 1-based like WeChat's own idx, so it matches fail_idx and article_detail.
        self.idx = idx
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class StoredToken:
    token: str = field(repr=False)
    # Epoch seconds at which WeChat stops accepting the token.
    expires_at: float


class TokenStore(Protocol):
    """Where access tokens live between calls, one per appid.

    WeChat documents one central token service per account: a shared store (cache, database)
    lets every worker use the same token instead of each fetching its own against the quota.
    """

    def get(self, appid: str) -> StoredToken | None: ...

    def set(self, appid: str, token: str, expires_at: float) -> None: ...


class InMemoryTokenStore:
    """A process-local store, for tests and single-process use."""

    def __init__(self) -> None:
        self._tokens: dict[str, StoredToken] = {}
        self._lock = threading.Lock()

    def get(self, appid: str) -> StoredToken | None:
        with self._lock:
            return self._tokens.get(appid)

    def set(self, appid: str, token: str, expires_at: float) -> None:
        with self._lock:
            self._tokens[appid] = StoredToken(token=token, expires_at=expires_at)


class CacheLike(Protocol):
    """The part of Django's cache API a token store needs (``django.core.cache.cache`` fits)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any, timeout: float | None = ...) -> None: ...


class CacheTokenStore:
    """Tokens in a cache shared by worker processes, kept until WeChat's expiry.

    Takes the cache as an argument so this module stays free of Django.
    """

    def __init__(self, cache: CacheLike, *, prefix: str = "wechat-oa-token") -> None:
        self._cache = cache
        self._prefix = prefix

    def get(self, appid: str) -> StoredToken | None:
        value = self._cache.get(f"{self._prefix}:{appid}")
        if not (isinstance(value, tuple | list) and len(value) == 2):
            return None
        token, expires_at = value
        return StoredToken(token=str(token), expires_at=float(expires_at))

    def set(self, appid: str, token: str, expires_at: float) -> None:
        timeout = max(1.0, expires_at - time.time())
        self._cache.set(f"{self._prefix}:{appid}", (token, expires_at), timeout)


@dataclass(frozen=True)
class DraftArticle:
    """One article of a draft, in draft/add's terms (always article_type "news")."""

    title: str
    content: str
    thumb_media_id: str
    author: str = ""
    digest: str = ""
    content_source_url: str = ""
    need_open_comment: bool = False
    only_fans_can_comment: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "article_type": "news",
            "title": self.title,
            "author": self.author,
            "digest": self.digest,
            "content": self.content,
            "content_source_url": self.content_source_url,
            "thumb_media_id": self.thumb_media_id,
            "need_open_comment": int(self.need_open_comment),
            "only_fans_can_comment": int(self.only_fans_can_comment),
        }


@dataclass(frozen=True)
class PublishState:
    """freepublish/get's answer: status, the article URLs by idx (1-based) and failed idx."""

    status: int
    article_urls: dict[int, str] = field(default_factory=dict)
    fail_idx: tuple[int, ...] = ()
    article_id: str = ""

    @property
    def meaning(self) -> str:
        return PUBLISH_STATUS_MEANINGS.get(self.status, "unknown status")


class _TextLength(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.length = 0

    def handle_data(self, data: str) -> None:
        self.length += len(data)


def text_length(html: str) -> int:
    """How many characters of text an HTML fragment shows (markup not counted)."""
    parser = _TextLength()
    parser.feed(html)
    parser.close()
    return parser.length


def check_article_fields(idx: int, *, title: str, author: str, digest: str, content: str) -> None:
    """Raise ``ArticleFieldError`` when an article breaks a draft/add limit (idx is 1-based)."""
    if not title.strip():
        raise ArticleFieldError(idx, "title", "is empty")
    if len(title) > TITLE_MAX:
        raise ArticleFieldError(
            idx, "title", f"has {len(title)} characters; WeChat allows at most {TITLE_MAX}"
        )
    if len(author) > AUTHOR_MAX:
        raise ArticleFieldError(
            idx, "author", f"has {len(author)} characters; WeChat allows at most {AUTHOR_MAX}"
        )
    if len(digest) > DIGEST_MAX:
        raise ArticleFieldError(
            idx, "digest", f"has {len(digest)} characters; WeChat allows at most {DIGEST_MAX}"
        )
    if not content.strip():
        raise ArticleFieldError(idx, "content", "is empty")
    chars = text_length(content)
    if chars >= CONTENT_MAX_CHARS:
        raise ArticleFieldError(
            idx,
            "content",
            f"has {chars} characters of text; WeChat needs fewer than {CONTENT_MAX_CHARS}",
        )
    size = len(content.encode("utf-8"))
    if size >= CONTENT_MAX_BYTES:
        raise ArticleFieldError(
            idx, "content", f"is {size} bytes in UTF-8; WeChat needs less than 1 MB"
        )


def check_image(data: bytes, filename: str) -> None:
    """Raise ``ValueError`` when an image cannot be permanent material (format, size)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in IMAGE_EXTENSIONS:
        allowed = ", ".join(sorted(IMAGE_EXTENSIONS))
        raise ValueError(f"image {filename!r}: WeChat accepts only {allowed} files")
    if not data:
        raise ValueError(f"image {filename!r} is empty")
    if len(data) > IMAGE_MAX_BYTES:
        raise ValueError(f"image {filename!r} is {len(data)} bytes; WeChat allows at most 2 MB")


def _upload_name(filename: str) -> str:
    """An ASCII file name with the original extension: the multipart header cannot carry
    arbitrary characters safely, and WeChat reads the format from the extension."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, _, ext = base.rpartition(".")
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", stem).strip("_") or "image"
    return f"{stem}.{ext.lower()}"


def _multipart(files: Mapping[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    chunks: list[bytes] = []
    for name, (filename, data) in files.items():
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        chunks += [head.encode("ascii"), data, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


class WeChatOAClient:
    """One Official Account's API, identified by appid and app secret.

    Tokens come from the *stable* token endpoint by default: it is isolated from the classic
    token, so tools the agency or client also run on the account (editors, schedulers) do not
    invalidate ours by fetching their own, and concurrent workers fetching at once all get the
    same token. ``token_endpoint="classic"`` uses ``cgi-bin/token`` instead.
    """

    def __init__(
        self,
        appid: str,
        secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        token_store: TokenStore,
        now: Callable[[], float] = time.time,
        timeout: float = 10,
        # A choice of endpoint, not a credential (hence the noqa).
        token_endpoint: Literal["stable", "classic"] = "stable",  # noqa: S107
    ) -> None:
        if not base_url.startswith(("https://", "http://")):
            # urllib would also open file: and custom schemes.
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
        self.appid = appid
        self._secret = Secret(secret)
        self._base_url = base_url.rstrip("/")
        self._store = token_store
        self._now = now
        self._timeout = timeout
        self._token_endpoint = token_endpoint
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WeChatOAClient(appid={self.appid!r}, base_url={self._base_url!r})"

    # -- tokens ---------------------------------------------------------------------------------

    def access_token(self) -> str:
        """The stored token, or a fresh one when there is none or it is about to expire."""
        stored = self._store.get(self.appid)
        if stored and self._now() < stored.expires_at - REFRESH_MARGIN:
            return stored.token
        with self._lock:
            # Another thread may have refreshed while we waited for the lock.
            stored = self._store.get(self.appid)
            if stored and self._now() < stored.expires_at - REFRESH_MARGIN:
                return stored.token
            return self._fetch_token()

    def _fetch_token(self) -> str:
        fetched_at = self._now()
        try:
            if self._token_endpoint == "stable":  # noqa: S105 (an endpoint name)
                body = {
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self._secret.reveal(),
                    # Never forced: forcing is limited to 20 a day and invalidates the token for
                    # every other worker; a plain call already returns the newest valid token.
                    "force_refresh": False,
                }
                data = self._request("POST", "cgi-bin/stable_token", json=body)
            else:
                query = {
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self._secret.reveal(),
                }
                data = self._request("GET", "cgi-bin/token", query=query)
        except WeChatError as exc:
            # Same code, marked as a token failure: a 40001 here means a wrong secret, not a
            # stale token, and no caller should answer it by refreshing again.
            raise WeChatError(
                exc.errcode,
                f"getting an access token failed: {exc.errmsg}",
                exc.retryable,
                False,
            ) from None
        token = data.get("access_token")
        expires_in = data.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int):
            raise WeChatError(NETWORK_ERRCODE, "token answer lacks access_token or expires_in")
        self._store.set(self.appid, token, fetched_at + expires_in)
        log.info("WeChat access token fetched for %s (valid %s s)", self.appid, expires_in)
        return token

    # -- calls ----------------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        query: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, bytes]] | None = None,
    ) -> dict[str, Any]:
        """Call an endpoint with the access token; return its JSON answer.

        When WeChat refuses the token (40001, 40014, 42001) a new one is fetched and the call is
        repeated once; a second refusal is raised, never retried in a loop.
        """
        token = self.access_token()
        try:
            return self._request(method, path, json=json, query=query, files=files, token=token)
        except WeChatError as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.warning("WeChat refused the token for %s (errcode %s)", self.appid, exc.errcode)
        with self._lock:
            token = self._fetch_token()
        return self._request(method, path, json=json, query=query, files=files, token=token)

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        query: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, bytes]] | None = None,
        token: str = "",
    ) -> dict[str, Any]:
        params = dict(query or {})
        if token:
            params["access_token"] = token
        url = f"{self._base_url}/{path.lstrip('/')}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = {"Accept": "application/json"}
        body: bytes | None = None
        if files is not None:
            body, headers["Content-Type"] = _multipart(files)
        elif json is not None:
            # Literal UTF-8: WeChat stores \\uXXXX escapes verbatim instead of decoding them.
            body = jsonlib.dumps(json, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        # The scheme was checked in __init__.
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
        # Exceptions below are raised "from None": urllib's carry the URL, whose query holds the
        # access token (or, for the classic token call, the secret).
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            exc.close()
            raise WeChatError(
                NETWORK_ERRCODE,
                f"{path} answered HTTP {exc.code}",
                retryable=exc.code >= 500 or exc.code == 429,
            ) from None
        except urllib.error.URLError as exc:
            # urllib wraps failures while connecting or sending: the request was not complete.
            raise WeChatError(
                NETWORK_ERRCODE,
                self._scrub(f"could not reach {path}: {exc.reason}", token),
                retryable=True,
            ) from None
        except (OSError, HTTPException) as exc:
            # Sent, but the answer timed out or broke off: WeChat may have acted on it.
            raise WeChatError(
                NETWORK_ERRCODE,
                self._scrub(f"no answer from {path}: {type(exc).__name__} {exc}", token),
                retryable=True,
                ambiguous=True,
            ) from None
        try:
            data = jsonlib.loads(raw)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise WeChatError(NETWORK_ERRCODE, f"{path} answered with something other than JSON")
        try:
            errcode = int(data.get("errcode") or 0)
        except (TypeError, ValueError):
            errcode = NETWORK_ERRCODE
        if errcode:
            errmsg = self._scrub(str(data.get("errmsg", "")), token)
            raise WeChatError(errcode, errmsg, retryable=errcode in RETRYABLE_ERRORS)
        return data

    def _scrub(self, text: str, token: str) -> str:
        for value in (self._secret.reveal(), token):
            if value:
                text = text.replace(value, "***")
        return text

    # -- endpoints ------------------------------------------------------------------------------

    def upload_image(self, data: bytes, filename: str) -> str:
        """Upload permanent image material (a cover); return its media_id."""
        check_image(data, filename)
        answer = self.call(
            "POST",
            "cgi-bin/material/add_material",
            query={"type": "image"},
            files={"media": (_upload_name(filename), data)},
        )
        return _required_str(answer, "media_id")

    def add_draft(self, articles: Sequence[DraftArticle]) -> str:
        """Save the articles, in order, as one draft; return the draft's media_id."""
        if not articles:
            raise ValueError("a draft needs at least one article")
        for idx, article in enumerate(articles, start=1):
            check_article_fields(
                idx,
                title=article.title,
                author=article.author,
                digest=article.digest,
                content=article.content,
            )
            if not article.thumb_media_id:
                raise ArticleFieldError(idx, "thumb_media_id", "is empty; news articles need one")
        answer = self.call(
            "POST", "cgi-bin/draft/add", json={"articles": [a.as_json() for a in articles]}
        )
        return _required_str(answer, "media_id")

    def submit_publish(self, media_id: str) -> str:
        """Submit a draft for publishing; return the publish_id to poll (not yet published)."""
        answer = self.call("POST", "cgi-bin/freepublish/submit", json={"media_id": media_id})
        return _required_str(answer, "publish_id")

    def get_publish(self, publish_id: str) -> PublishState:
        """Where a publish job stands."""
        answer = self.call("POST", "cgi-bin/freepublish/get", json={"publish_id": publish_id})
        status = answer.get("publish_status")
        if not isinstance(status, int):
            raise WeChatError(NETWORK_ERRCODE, "freepublish/get answer lacks publish_status")
        # article_detail is only filled when publish_status is 0.
        detail = answer.get("article_detail")
        items = detail.get("item") if isinstance(detail, dict) else None
        urls = {
            item["idx"]: item["article_url"]
            for item in items or ()
            if isinstance(item, dict)
            and isinstance(item.get("idx"), int)
            and isinstance(item.get("article_url"), str)
        }
        fail_idx = tuple(i for i in answer.get("fail_idx") or () if isinstance(i, int))
        return PublishState(
            status=status,
            article_urls=urls,
            fail_idx=fail_idx,
            article_id=str(answer.get("article_id") or ""),
        )


def _required_str(answer: Mapping[str, Any], key: str) -> str:
    # publish_id is documented as a string but arrives as a number in some answers.
    value = answer.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise WeChatError(NETWORK_ERRCODE, f"answer lacks {key}")
    return str(value)
