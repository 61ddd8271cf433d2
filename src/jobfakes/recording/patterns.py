"""What a secret's name and a piece of personal data look like: the rules redaction applies.

- A name (header, query or form parameter, JSON key, `name=value` in text) is a secret's name
  when one of `SECRET_NAMES` is found in it, normalised: lower case, camelCase and `-`, `.`,
  spaces turned into `_` (`X-Access-Token` -> `x_access_token`, `sessionId` -> `session_id`),
  unless its last part says it is only about a secret (`token_type`, `key_url`, ...).
- E-mail addresses, JWTs and phone numbers are found in any text. Phones: international forms
  (`+47 ...`, `0047 ...`, `+31 6 12345678`, `0047-98765432`) when `phonenumbers` says the number
  is valid, and Norwegian groups of two or 3-2-3 digits (`12 34 56 78`, `123 45 678`). Plain
  digit runs are left alone (ids, dates, org numbers); contact fields catch those.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import phonenumbers

MASK = "REDACTED"
LONG_VALUE = 12  # values this long are masked even inside a word

SECRET_NAMES = (
    r"token",
    r"secret",
    r"passw",
    r"(?:^|_)pwd(?:$|_)",
    r"credential",
    r"cookie",
    r"session",
    r"jwt",
    r"signature",
    r"bearer",
    r"(?:^|_)sig(?:$|_)",
    r"(?:^|_)sid(?:$|_)",
    # a bare `key` is too common a JSON key (search facets): only a qualified one, or a query's
    r"(?:^|_)(?:api|access|private|secret|client|subscription|signing|license|auth)_?keys?(?:$|_)",
    r"(?:^|_|o)auth(?!or)",
    r"(?:^|_)[th]?otp(?:$|_)",
    r"(?:^|_)pin(?:_?code)?$",
)
# A last part that names a property of a secret, not the secret: `token_type: Bearer`.
NOT_SECRET_SUFFIX = r"_(?:type|types|url|uri|endpoint|expires?|expiry|expires_in|ttl|hint|len)$"

EMAIL = r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
JWT = r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"
NATIONAL_PHONE = r"(?<![\w.:+-])(?:\d{2} \d{2} \d{2} \d{2}|\d{3} \d{2} \d{3})(?![\w.:-])"
# Candidates for phonenumbers: + or 00, a country code, then digits and separators.
INTERNATIONAL_PHONE = re.compile(r"(?<![\w.:+])(?:\+|00)[1-9][\d \-().]{5,22}\d(?![\d])")
TEXT_PATTERNS = (EMAIL, JWT, NATIONAL_PHONE)
# `name=value`, `name: value`, `"name": "value"` in text that is neither JSON nor a form.
NAMED_VALUE = re.compile(
    r"""([A-Za-z][\w.-]{0,80})(["']?\s*[:=]\s*["']?"""
    r"""(?:(?:Bearer|Basic|Token|Digest|Negotiate)\s+)?)([^\s"'&,;<>]{4,})"""
)


def normalised(name: str) -> str:
    """`X-Access-Token` -> `x_access_token`, `sessionId` -> `session_id`."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


@functools.lru_cache(maxsize=8)
def _names(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


@functools.lru_cache(maxsize=4096)
def is_secret_name(name: str, patterns: tuple[str, ...] = SECRET_NAMES) -> bool:
    """Whether a header, parameter or key of this name holds a secret (see module doc)."""
    key = normalised(name)
    compiled = _names(patterns)
    if compiled is None or not compiled.search(key):
        return False
    return not re.search(NOT_SECRET_SUFFIX, key)


def international_phones(text: str) -> Iterable[tuple[int, int]]:
    """Spans of valid international phone numbers (the longest valid prefix of a candidate)."""
    for match in INTERNATIONAL_PHONE.finditer(text):
        candidate = match.group()
        ends = [i + 1 for i, ch in enumerate(candidate) if ch.isdigit()]
        for end in reversed(ends):
            number = "+" + candidate[2:end] if candidate.startswith("00") else candidate[:end]
            try:
                parsed = phonenumbers.parse(number, None)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(parsed):
                yield match.start(), match.start() + end
                break


@functools.lru_cache(maxsize=16)
def compiled(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(pattern) for pattern in patterns]


_PREFILTERS = {EMAIL: "@", JWT: "eyJ"}


def scrub_patterns(text: str, patterns: tuple[str, ...], mask: str = MASK) -> str:
    """Text with e-mails, JWTs and phone numbers masked."""
    if "+" in text or "00" in text:  # first: a national pattern may match its tail
        spans = list(international_phones(text))
        for start, end in reversed(spans):
            text = text[:start] + mask + text[end:]
    for pattern in compiled(patterns):
        needle = _PREFILTERS.get(pattern.pattern)
        if needle is None or needle in text:  # cheap scans first: most text has neither
            text = pattern.sub(mask, text)
    return text


def scrub_values(text: str, values: Iterable[str], mask: str = MASK) -> str:
    """Text with every whole occurrence of the given values masked (longest first)."""
    present = sorted({v for v in values if v and v in text}, key=len, reverse=True)
    if not present:
        return text
    long = [re.escape(value) for value in present if len(value) >= LONG_VALUE]
    short = [re.escape(value) for value in present if len(value) < LONG_VALUE]
    if long:  # a long value is masked wherever it is (`%3D` + token, `Bearer` + token)
        text = re.sub("|".join(long), mask, text)
    if short:  # whole short values only: a phone number inside an org number stays
        text = re.sub(rf"(?<![0-9A-Za-z])(?:{'|'.join(short)})(?![0-9A-Za-z])", mask, text)
    return text
