"""The field catalogue of the Dutch Jobfeed world: every field, its type, levels and labels.

The catalogue is the contract between the world's store (one column per field and level,
named as the field), the query language and the API's `/fields`. Labels are read from the
vocabulary data files on first use, never at import.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

FieldType = Literal[
    "integer", "float", "boolean", "date", "code", "text", "string", "location", "codes"
]
LANGUAGES = ("en", "nl", "de", "fr")
DEFAULT_LANGUAGE = "nl"  # the country's language: labels not translated fall back to it
P, J = "posting", "job"


class _Labels(Mapping[str, Mapping[Any, str]]):
    """language -> code -> label of one coded field, loaded from the data files on first use."""

    def __init__(self, field: str):
        self._field = field

    def _data(self) -> Mapping[str, Mapping[Any, str]]:
        from jobfakes.world.jobfeed.vocab import labels

        return labels(self._field)

    def __getitem__(self, language: str) -> Mapping[Any, str]:
        return self._data()[language]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __repr__(self) -> str:
        return f"_Labels({self._field!r})"


@dataclass(frozen=True)
class Field:
    """One field: name, type, levels (the first is the default level), description, labels."""

    name: str
    # code = integer code with labels; codes = list of string ids with labels (skills);
    # string = keyword (exact and __prefix); text = full-text; location = place code
    type: FieldType
    levels: tuple[str, ...]
    description: str
    labels: Mapping[str, Mapping[Any, str]] | None = None
    custom: bool = False  # supports __custom categories

    @property
    def default_level(self) -> str:
        return self.levels[0]


def _f(
    name: str, type_: FieldType, levels: tuple[str, ...], description: str, custom: bool = False
) -> Field:
    coded = type_ in ("code", "codes", "location")
    return Field(name, type_, levels, description, _Labels(name) if coded else None, custom)


_FIELDS = (
    _f("job_id", "string", (J,), "Unique identifier of the job (32 characters)."),
    _f("posting_id", "string", (P,), "Unique identifier of the posting (32 characters)."),
    _f("date", "date", (P, J), "Date the posting was found; for a job, its first posting."),
    _f(
        "expiration_date",
        "date",
        (P, J),
        "Date the posting went offline; for a job, when its last posting did. Absent while online.",
    ),
    _f(
        "expired",
        "boolean",
        (P, J),
        "Whether the posting (or every posting of the job) is offline.",
    ),
    _f("posting_count", "integer", (J,), "Number of postings of the job."),
    _f("source_website_count", "integer", (J,), "Number of different websites of the job."),
    _f("job_title", "text", (P,), "Job title as advertised."),
    _f(
        "full_text",
        "text",
        (P,),
        "The whole text of the posting: title and every description part.",
    ),
    _f("job_description", "text", (P,), "The part of the text describing the job."),
    _f("candidate_description", "text", (P,), "The part of the text describing the candidate."),
    _f("conditions_description", "text", (P,), "The part of the text on terms of employment."),
    _f("employer_description", "text", (P,), "The part of the text describing the employer."),
    _f("application_description", "text", (P,), "The part of the text on how to apply."),
    _f("organization_name", "text", (P,), "Name of the hiring organisation."),
    _f(
        "organization_industry",
        "code",
        (P, J),
        "Industry of the organisation (of the intermediary, when via one).",
        custom=True,
    ),
    _f("organization_size", "code", (P, J), "Size class of the organisation (employees)."),
    _f("profession", "code", (P, J), "Profession (Textkernel-style taxonomy).", custom=True),
    _f("profession_group", "code", (P, J), "Profession group: the level above profession."),
    _f("profession_class", "code", (P, J), "Profession class: the level above profession group."),
    _f("education_level", "code", (P, J), "Required education level.", custom=True),
    _f("contract_type", "code", (P, J), "Type of contract."),
    _f("employment_type", "code", (P, J), "Full-time (more than 32 hours) or part-time."),
    _f("working_hours_type", "code", (P, J), "Regular or irregular working hours."),
    _f("hours_per_week_from", "integer", (P, J), "Lowest number of working hours per week."),
    _f("hours_per_week_to", "integer", (P, J), "Highest number of working hours per week."),
    _f("salary", "integer", (P, J), "Monthly salary in euros (the middle of the range)."),
    _f("salary_from", "integer", (P, J), "Lowest monthly salary in euros."),
    _f("salary_to", "integer", (P, J), "Highest monthly salary in euros."),
    _f("experience_years_from", "integer", (P, J), "Least years of experience asked for."),
    _f("experience_years_to", "integer", (P, J), "Most years of experience asked for."),
    _f(
        "location",
        "location",
        (P, J),
        "Place of work: the 4-digit postcode of the place; filters take a code or a place name.",
    ),
    _f("location_name", "string", (P,), "Name of the place of work."),
    _f(
        "location_coordinates",
        "string",
        (P, J),
        'Coordinates of the place of work: "latitude,longitude" in decimal degrees.',
    ),
    _f("region", "code", (P, J), "Region (COROP area) of the place of work."),
    _f("province", "code", (P, J), "Province of the place of work."),
    _f("source_website", "string", (P,), "Website the posting was found on."),
    _f("source_url", "string", (P,), "Address of the posting."),
    _f("source_type", "code", (P,), "Kind of website the posting was found on."),
    _f("via_intermediary", "boolean", (P, J), "Whether the job is advertised by an intermediary."),
    _f("advertiser_type", "code", (P,), "Kind of advertiser."),
    _f("language", "string", (P,), "Language of the posting text (ISO 639-1)."),
    _f("it_skills", "codes", (P, J), "IT skills asked for."),
    _f("professional_skills", "codes", (P, J), "Professional skills asked for."),
    _f("soft_skills", "codes", (P, J), "Soft skills asked for."),
    _f("language_skills", "codes", (P, J), "Languages asked for."),
)

CATALOGUE: dict[str, Field] = {f.name: f for f in _FIELDS}
"""Every field, in /fields order."""

JOB_FIELDS: tuple[str, ...] = tuple(f.name for f in _FIELDS if J in f.levels)
POSTING_FIELDS: tuple[str, ...] = tuple(f.name for f in _FIELDS if P in f.levels)
TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in _FIELDS if f.type == "text")
DESCRIPTION_PARTS = (
    "job_description",
    "candidate_description",
    "conditions_description",
    "employer_description",
    "application_description",
)
NUMERIC_TYPES = ("integer", "float")

# Custom categories: field -> {category id: (level-1 id, level-2 id or None, member codes)}.
Custom = Mapping[str, Mapping[int, tuple[int, int | None, tuple[int, ...]]]]

_CUSTOM: dict[str, dict[int, tuple[int, int | None, tuple[int, ...]]]] = {
    "profession": {
        # level 1: 1 = office and ICT, 2 = technical and logistics, 3 = care and education
        11: (1, 11, (1260, 1261, 227, 228, 229, 230)),
        12: (1, 12, (696, 697, 698, 699, 701, 710, 711, 712, 720, 721)),
        21: (2, 21, (300, 301, 4980, 310, 311, 320, 321)),
        22: (2, 22, (400, 401, 402, 410, 411, 412, 420)),
        31: (3, 31, (500, 501, 510, 511, 520, 521)),
        32: (3, 32, (600, 601, 602)),
    },
    "education_level": {
        1: (1, None, (1, 3, 4, 5, 7, 8)),
        2: (2, None, (9, 10, 11, 12)),
        3: (3, None, (13, 15, 17, 19)),
    },
    "organization_industry": {
        1: (1, None, (1, 2, 3, 5, 7)),
        2: (2, None, (4, 6, 8, 9, 12, 14)),
        3: (3, None, (10, 11, 13)),
        4: (4, None, (15, 16)),
    },
}
_CUSTOM_LABELS: dict[str, dict[int, str]] = {
    "profession": {
        1: "Kantoor en ICT",
        2: "Techniek en logistiek",
        3: "Zorg en onderwijs",
        11: "Kantoor",
        12: "ICT",
        21: "Techniek",
        22: "Logistiek",
        31: "Zorg",
        32: "Onderwijs",
    },
    "education_level": {1: "Lager en middelbaar", 2: "MBO-niveau", 3: "Hoger onderwijs"},
    "organization_industry": {
        1: "Productie",
        2: "Diensten",
        3: "Publieke sector",
        4: "Intermediairs",
    },
}


def custom_categories(account: str | None = None) -> Custom:
    """The custom categories of an account (every account has the same default set):
    field -> {category id: (level-1 id, level-2 id or None, member codes)}. A filter
    `F__custom=ID` or `F__custom_1=ID` matches the codes of every category whose level-1 id
    is ID; `F__custom_2=ID` those whose level-2 id is ID; plain `__custom` also matches a
    category's own id."""
    del account  # one default set; kept as a parameter so accounts can differ later
    return _CUSTOM


def custom_labels(field: str) -> dict[int, str]:
    """Names of the custom categories (both levels) of a field."""
    return dict(_CUSTOM_LABELS.get(field, {}))
