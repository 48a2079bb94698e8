"""Signed query ids: what a response hands the widget so a click can be tied to the results it was shown.

    ids = QueryIds(secret)
    token = ids.issue(search_id, offset=0, shown=["a", "b"], now=time.time())
    ids.verify(token, practice_id="b", position=2, now=time.time())   # -> search_id

A token is base64url(version | issued at | search id | page offset | count | 4-byte digest of each shown id)
followed by an HMAC-SHA256 tag (16 bytes) under the store's shared secret. So the server needs no state
to check a click: the tag proves the token is its own, the digests that the clicked practice was the one
shown at that position. A token older than `ttl_s` is refused. Nothing in it identifies a person.
"""

import base64
import binascii
import hashlib
import hmac
import struct
import uuid
from collections.abc import Sequence

VERSION = 1
HEADER = struct.Struct(">BIHB")  # version, issued (unix seconds), page offset, number of shown ids
DIGEST_BYTES = 4
TAG_BYTES = 16
MAX_SHOWN = 255
MAX_TOKEN_CHARS = 400  # 50 shown ids make 318 characters
DAY_S = 86_400


class InvalidQueryId(ValueError):
    """A click that cannot be tied to a search this service answered; the message says why, `param` what."""

    def __init__(self, message: str, param: str = "query_id"):
        super().__init__(message)
        self.param = param


def _digest(practice_id: str) -> bytes:
    return hashlib.blake2s(practice_id.encode(), digest_size=DIGEST_BYTES).digest()


def _b64decode(token: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise InvalidQueryId("query_id is not a query id this service issued") from None


class QueryIds:
    def __init__(self, secret: bytes, ttl_s: int = DAY_S):
        self._secret, self.ttl_s = secret, ttl_s

    def _tag(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:TAG_BYTES]

    def issue(self, search_id: str, offset: int, shown: Sequence[str], now: float) -> str:
        shown = shown[:MAX_SHOWN]
        payload = (
            HEADER.pack(VERSION, int(now), min(offset, 0xFFFF), len(shown))
            + uuid.UUID(hex=search_id).bytes
            + b"".join(_digest(p) for p in shown)
        )
        return base64.urlsafe_b64encode(payload + self._tag(payload)).rstrip(b"=").decode()

    def verify(self, token: str, practice_id: str, position: int, now: float) -> str:
        """The search id the click belongs to, or InvalidQueryId."""
        raw = _b64decode(token)
        payload, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
        if len(payload) < HEADER.size + 16 or not hmac.compare_digest(tag, self._tag(payload)):
            raise InvalidQueryId("query_id is not a query id this service issued")
        version, issued, offset, count = HEADER.unpack_from(payload)
        digests = payload[HEADER.size + 16 :]
        if version != VERSION or len(digests) != count * DIGEST_BYTES:
            raise InvalidQueryId("query_id is not a query id this service issued")
        if not 0 <= now - issued <= self.ttl_s:
            raise InvalidQueryId("query_id has expired; search again")
        index = position - offset - 1
        if not 0 <= index < count:
            raise InvalidQueryId(f"position {position} was not on the page this query id was issued for", "position")
        if not hmac.compare_digest(digests[index * DIGEST_BYTES : (index + 1) * DIGEST_BYTES], _digest(practice_id)):
            raise InvalidQueryId(f"practice {practice_id!r} was not shown at position {position}", "practice_id")
        return uuid.UUID(bytes=payload[HEADER.size : HEADER.size + 16]).hex
