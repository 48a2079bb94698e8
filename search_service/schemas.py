"""Request and response models: the JSON shapes of the public API (see docs/api-contract.md)."""

from typing import Any

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from ranking import Filters, Hit, Mode, Page
from ranking.facets import Facets
from ranking.suggest import Suggestion

MAX_Q = 500
MAX_TEXT = 5000
MAX_LIMIT = 50

INTEGERS = ("limit", "offset", "year_from", "year_to")


class FilterFields(Filters):
    """The engine's filter model itself (one definition, one validation), plus paging."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(10, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000)

    @field_validator(*INTEGERS, mode="before")
    @classmethod
    def _no_boolean_integers(cls, value: Any) -> Any:
        """Lax parsing would take JSON `true` as 1; an integer parameter must be an integer (or its digits in
        a query string)."""
        if isinstance(value, bool):
            raise PydanticCustomError("int_type", "must be an integer, not true/false")
        return value

    def filters(self) -> Filters:
        """The filter fields alone (already validated), as the engine takes them."""
        return Filters.model_construct(**{name: getattr(self, name) for name in Filters.model_fields})


class SearchBody(FilterFields):
    q: str = Field(
        "",
        max_length=MAX_Q,
        description="the query; empty browses when a filter is given",
        examples=["how to fight rumours about refugees"],
    )
    mode: Mode = "hybrid"

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"q": "how to fight rumours about refugees", "country": ["Spain"], "limit": 5}]
        },
    )


class SimilarBody(FilterFields):
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="a description of your own initiative")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": "Our city trains volunteers to answer prejudice about newcomers with facts...", "limit": 5}
            ]
        },
    )


class SnippetOut(BaseModel):
    field: str
    text: str
    highlights: list[tuple[int, int]] = Field(description="[start, end) character offsets into text")


# The practice's own fields a result repeats (the rest of ResultItem says how it matched).
PRACTICE_FIELDS: set[str] = {
    "id",
    "title",
    "city",
    "country",
    "country_code",
    "period",
    "start_year",
    "end_year",
    "ongoing",
    "topics",
    "purpose",
    "source_url",
}


class ResultItem(BaseModel):
    id: str
    title: str
    city: str
    country: str
    country_code: str
    period: str
    start_year: int | None
    end_year: int | None
    ongoing: bool
    topics: list[str]
    purpose: str
    score: float = Field(description="semantic: cosine; keyword: BM25 / best BM25; hybrid: fused (see README)")
    close: bool = Field(description="above the relevance floor")
    snippet: SnippetOut | None
    url: str
    source_url: str

    @classmethod
    def from_hit(cls, hit: Hit) -> "ResultItem":
        p = hit.practice
        snippet = None
        if hit.snippet is not None:
            snippet = SnippetOut(field=hit.snippet.field, text=hit.snippet.text, highlights=hit.snippet.highlights)
        return cls(
            **p.model_dump(include=PRACTICE_FIELDS),
            score=hit.score,
            close=hit.close,
            snippet=snippet,
            url=f"/practices/{p.id}",
        )


# Analytics (analytics/query_ids.py): the widget sends it back with a click on one of these results.
QUERY_ID = Field(None, description="signed id of this result list for POST /events; null when analytics is off")


class Correction(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", serialization_alias="from")
    to: str


class SearchResponse(BaseModel):
    query: str
    mode: Mode
    total: int
    limit: int
    offset: int
    close_match: bool = Field(description="false: nothing matched closely; results are the nearest few")
    corrections: list[Correction]
    notice: str | None
    query_id: str | None = QUERY_ID
    results: list[ResultItem]

    @classmethod
    def from_page(
        cls, page: Page, query: str, mode: Mode, limit: int, offset: int, query_id: str | None
    ) -> "SearchResponse":
        return cls(
            query=query,
            mode=mode,
            total=page.total,
            limit=limit,
            offset=offset,
            close_match=page.close_match,
            notice=page.notice,
            query_id=query_id,
            corrections=[Correction(**{"from": a, "to": b}) for a, b in page.corrections],
            results=[ResultItem.from_hit(h) for h in page.hits],
        )


class SimilarResponse(BaseModel):
    id: str
    total: int
    limit: int
    offset: int
    query_id: str | None = QUERY_ID
    results: list[ResultItem]


class PracticeOut(BaseModel):
    """The full record plus its API url."""

    model_config = ConfigDict(extra="allow")

    id: str
    url: str


class FacetValueOut(BaseModel):
    value: bool | int | str
    label: str
    count: int


class FacetsResponse(BaseModel):
    """Disjunctive counts: each facet applies every filter except its own; `total` applies them all."""

    total: int = Field(description="results of /search with the same q, mode and filters")
    countries: list[FacetValueOut] = Field(description="ISO code -> count, without the country filter")
    cities: list[FacetValueOut] = Field(description="city -> count, without the city filter")
    topics: list[FacetValueOut] = Field(description="topic -> count, without the topic filter")
    start_years: list[FacetValueOut] = Field(description="start year -> count, without year_from / year_to")
    ongoing: list[FacetValueOut] = Field(description="true (ongoing) / false (finished) -> count, without ongoing")

    @classmethod
    def from_facets(cls, facets: Facets) -> "FacetsResponse":
        return cls.model_validate(facets.model_dump())


MAX_SUGGEST_Q = 100
MAX_SUGGESTIONS = 20


class SuggestParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(max_length=MAX_SUGGEST_Q, description="what has been typed so far", examples=["mescl"])
    limit: int = Field(8, ge=1, le=MAX_SUGGESTIONS)


class SuggestionOut(BaseModel):
    type: str = Field(description="title | city | country | topic")
    text: str
    id: str | None = Field(description="titles: the practice id; countries: the ISO code; otherwise null")
    highlight: list[tuple[int, int]] = Field(description="[start, end) character offsets of the matched part")
    count: int | None = Field(description="practices with this city, country or topic; null for titles")


class SuggestResponse(BaseModel):
    q: str
    suggestions: list[SuggestionOut]

    @classmethod
    def from_suggestions(cls, q: str, suggestions: list[Suggestion]) -> "SuggestResponse":
        return cls(
            q=q,
            suggestions=[
                SuggestionOut(type=s.type, text=s.text, id=s.id, highlight=s.highlight, count=s.count)
                for s in suggestions
            ],
        )


class ErrorItem(BaseModel):
    param: str
    message: str


class ErrorResponse(BaseModel):
    detail: str
    errors: list[ErrorItem] = Field(default_factory=list)


def _error(description: str, **extra: object) -> dict:
    return {"model": ErrorResponse, "description": description, **extra}


# Documented on every route they can come from, so a client (and the schema fuzz test) knows every answer.
PUBLIC_ERRORS: dict[int | str, dict] = {
    408: _error("the request body did not arrive within PRACTICE_SEARCH_BODY_TIMEOUT_S"),
    413: _error("the request body is larger than PRACTICE_SEARCH_MAX_BODY_BYTES"),
    422: _error("a parameter is invalid; `errors` names it"),
    429: _error(
        "too many requests from this client",
        headers={"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
    ),
    503: _error("not answered within PRACTICE_SEARCH_REQUEST_TIMEOUT_S; try again"),
}
ADMIN_ERRORS: dict[int | str, dict] = {
    401: _error("no X-API-Key header"),
    403: _error("wrong X-API-Key"),
    404: _error("admin routes are off (no PRACTICE_SEARCH_ADMIN_KEYS), or no such practice"),
    408: PUBLIC_ERRORS[408],
    409: _error(
        "the index on disk is unusable, or the corpus file is missing or not the one the serving build "
        "indexes; nothing was changed and the previous index is still serving"
    ),
    413: PUBLIC_ERRORS[413],
    422: PUBLIC_ERRORS[422],
    429: _error(
        "too many failed admin attempts from this client",
        headers={"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
    ),
    503: _error("the index directory or corpus file is not writable, or an I/O error; nothing was changed"),
    507: _error("no space left on the disk of the index or the corpus; nothing was changed"),
}


class Readiness(BaseModel):
    status: str
    build_id: str
    format_version: int | str | None
    model: str
    practices: int
    vectors: int
    built_at: str | None
    vocabulary_words: int = Field(
        description="words of other languages whose e5 vectors are precomputed (`indexer vocabulary`); "
        "0: a foreign query's words are embedded as it comes, slower, ranked the same"
    )


def json_response(model: BaseModel) -> Response:
    """Serialise once: a returned model would be dumped, re-validated and dumped again by FastAPI."""
    return Response(model.model_dump_json(by_alias=True), media_type="application/json")
