"""The record contract: pydantic models, the single source of the output schema.

`kyket schema` prints the JSON Schema generated from `ArticleRecord`. Every `start`/`end`
is a character offset into `ArticleRecord.text` (end exclusive).
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.3"
# Record versions this kyket reads as its own (`kyket load`): each adds optional fields only.
#   1.0 → 1.1: source.content_sha256;  1.1 → 1.2: source.kyket_version.
COMPATIBLE_SCHEMA_VERSIONS = ("1.0", "1.1", "1.2", "1.3")
# The kyket release (pyproject.toml reads its version from here). Every record names the
# release that produced it; a rerun redoes the records another release produced.
KYKET_VERSION = "0.2.0"

AgreementStatus = Literal["signed", "planned", "referenced"]
AgreementType = Literal[
    "memorandum_of_understanding", "cooperation_agreement", "coordination_program",
    "twinning", "emulation_pact", "contract", "trade_agreement", "other",
]
PartOfDay = Literal["morning", "noon", "afternoon", "evening"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextSpan(_Model):
    text: str = Field(description="Exactly text[start:end].")
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Source(_Model):
    path: str | None = Field(None, description="Input file the article came from.")
    url: str | None = None
    site: str | None = Field(None, description="Site or agency named by the page.")
    content_sha256: str | None = Field(
        None, description="SHA-256 of the input as read (bytes or string plus its metadata): a rerun "
                          "into the same output skips articles whose id and this hash are already there.")
    kyket_version: str | None = Field(
        default_factory=lambda: KYKET_VERSION,
        description="The kyket release that produced the record (null in records older than schema 1.2); a "
                    "rerun reuses only records of the running release.")


class ErrorEntry(_Model):
    stage: str = Field(description="Pipeline stage that failed (ingest, clean, segment, extract:<name>, ...).")
    type: str = Field(description="Exception type or error code.")
    message: str


class DateValue(TextSpan):
    value: str | None = Field(
        description="YYYY-MM-DD, or --MM-DD when the year is unknown, or YYYY-MM / YYYY.")
    part_of_day: PartOfDay | None = None
    year_source: Literal["text", "published_at", "article", "unknown"] = "unknown"


class PeriodValue(_Model):
    start: int = Field(description="First year of the period.")
    end: int = Field(description="Last year of the period.")
    text: str
    span_start: int = Field(ge=0)
    span_end: int = Field(ge=0)


class Party(_Model):
    name: str = Field(description="As written (list items expanded).")
    canonical: str = Field(description="Abbreviations expanded.")
    kind: str = Field(description="department, school, university, company, union, government, country, province, media, organisation, other")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    source: str = Field(description="Extractor and rule that produced the mention.")
    confidence: float = Field(ge=0, le=1)


class Relation(_Model):
    from_: str = Field(alias="from")
    to: str
    type: Literal["supports"] = "supports"
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Signatory(_Model):
    name: str
    title: str | None = None
    party: str | None = None
    role: Literal["signatory", "witness"] = "signatory"
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Clause(TextSpan):
    pass


class Agreement(_Model):
    agreement_id: str = Field(description="Stable: derived from the article id and the evidence.")
    status: AgreementStatus
    type: AgreementType
    title: TextSpan | None = None
    evidence: TextSpan
    date: DateValue | None = None
    location: TextSpan | None = None
    period: PeriodValue | None = None
    parties: list[Party] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    signatories: list[Signatory] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    confidence: float = Field(ge=0, le=1)


class ArticleRecord(_Model):
    schema_version: str = SCHEMA_VERSION
    article_id: str
    source: Source = Field(default_factory=Source)
    title: str | None = None
    published_at: str | None = Field(None, description="ISO 8601; null when unknown.")
    authors: list[str] = Field(default_factory=list)
    text: str = Field("", description="Cleaned article body; every span indexes this string.")
    text_sha256: str = ""
    status: Literal["ok", "error"] = "ok"
    errors: list[ErrorEntry] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)


def json_schema() -> dict:
    schema = ArticleRecord.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://kyket.invalid/schema/record-{SCHEMA_VERSION}.json"
    schema["title"] = "kyket article record"
    return schema
