"""Deterministic generation of Norwegian ads and their lifecycles.

The world starts in the steady state of the real feed (`jobfakes.world.timeline`): the `ads`
ads active at the start instant, published over the weeks before it, plus those that ended in
the last week. The history is drawn in chunks of CHUNK active ads, each chunk from its own
generator. After the start the timeline is cut into slots of one day, each bringing the
scaled daily rate of new ads from a generator seeded by (world seed, slot), so any slot can be
made again alone and the world at any instant is the same however the clock got there.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property, lru_cache
from typing import Any, TypeVar

from jobfakes.world import timeline
from jobfakes.world.model import Ad, is_active
from jobfakes.world.times import DAY, OSLO, US, from_datetime, to_datetime
from jobfakes.world.vocab import NavVocabulary, Place, Weighted, nav_vocabulary
from jobfakes.world.words import filler

CHUNK = 250  # active ads drawn from one generator
_PUBLISH_DELAY = 600  # seconds at most between `published` and the feed's publish event
T = TypeVar("T")
_ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_CATEGORY_TYPES = ("ESCO", "JANZZ", "STYRK08", "STYRK08NAV")
_UPDATES = Weighted.of([(0, 50), (1, 30), (2, 15), (3, 5)])
_CONTACTS = Weighted.of([(0, 10), (1, 65), (2, 25)])
_POSITIONS = Weighted.of([("1", 85), ("2", 9), ("3", 4), ("5", 2)])
_PATCHES = Weighted.of([("due", 40), ("text", 35), ("count", 15), ("title", 10)])


@dataclass(frozen=True)
class Planned:
    """One lifecycle step of an ad: publish, update, stop or expire."""

    time: int
    order: int  # breaks ties in time; unique across the world
    kind: str
    ad_uuid: str
    event_id: str
    data: dict[str, Any]  # the whole ad for publish, the changed fields for update


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_V4_SET = (0x4000 << 64) | (0x8000 << 48)


def _one(rng: random.Random, items: Sequence[T]) -> T:
    """A faster `rng.choice` (one float instead of rejection sampling)."""
    return items[int(rng.random() * len(items))]


def _below(rng: random.Random, bound: int) -> int:
    """A faster `rng.randrange(bound)`; exact enough for synthetic data."""
    return int(rng.random() * bound)


def _whole_second(instant: int) -> int:
    """The next whole second at or after an instant (the real `published` has no fraction)."""
    return -(-instant // US) * US


def _expiry(published: int, days: int) -> int:
    """Midnight in Oslo at the end of the day `days` after publishing, as real ads expire."""
    moment = published + days * DAY
    day = moment // DAY  # the UTC day; Oslo's day differs only in its last hours
    next_midnight = _oslo_midnight(day + 1)
    return _oslo_midnight(day + 2) if moment >= next_midnight else next_midnight


@lru_cache(maxsize=4096)
def _oslo_midnight(day: int) -> int:
    """The instant Oslo's day with the date of UTC day number `day` begins."""
    return from_datetime(datetime.combine(date.fromordinal(_EPOCH_ORDINAL + day), time(), OSLO))


def _stop_time(rng: random.Random, published: int, expires: int) -> int | None:
    """When an ad is stopped before it expires (some are), at least an hour after publishing."""
    if rng.random() >= timeline.STOP_SHARE:
        return None
    earliest = published + 3600 * US
    return earliest + _below(rng, max(1, expires - earliest - US))


def make_uuid(rng: random.Random) -> str:
    """A random (version 4) UUID drawn from the seeded generator."""
    h = f"{(rng.getrandbits(128) & _V4_CLEAR) | _V4_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def orgnr(rng: random.Random) -> str:
    """A 9-digit organisation number with a valid mod-11 check digit."""
    while True:
        digits = [_one(rng, (8, 9))] + [_below(rng, 10) for _ in range(7)]
        check = 11 - sum(d * w for d, w in zip(digits, _ORGNR_WEIGHTS, strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _title_case(name: str) -> str:
    return " ".join(part.capitalize() for part in name.split(" ")).replace("-", "-")


def _slug(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "é": "e"})
    return re.sub(r"[^a-z0-9]+", "", name.lower().translate(table))[:24] or "firma"


class Generator:
    """Makes the ads of a world; pools of employers and people are built once per world."""

    def __init__(self, seed: int, ads: int, start: int, vocab: NavVocabulary | None = None):
        self.seed, self.ads, self.start = seed, ads, start
        self._vocab = vocab
        self.history_slots = timeline.HISTORY_DAYS
        self.origin = start - self.history_slots * DAY
        self.history_chunks = -(-ads // CHUNK)

    @property
    def vocab(self) -> NavVocabulary:
        """Loaded on first use: a world loaded from its image may never need it (Faker's
        locale lists take a tenth of a second to import)."""
        if self._vocab is None:
            self._vocab = nav_vocabulary()
        return self._vocab

    # ---- the timeline -------------------------------------------------------------------
    def slot_of(self, instant: int) -> int:
        return (instant - self.origin) // DAY

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(map(str, (self.seed, *parts))))

    def history_chunk(self, chunk: int) -> list[list[Planned]]:
        """The planned steps of one chunk of the history, ad by ad: CHUNK ads active at the
        start as the feed shows them (fewer in the last chunk), the non-public ones drawn
        beside them, and those that ended in the last RECENT_DAYS; ads that ended earlier are
        drawn and dropped, which keeps the mix of ages and lifetimes of a steady state."""
        rng = self.rng("history", chunk)
        wanted = min(CHUNK, self.ads - chunk * CHUNK)
        horizon = self.start - timeline.RECENT_DAYS * DAY
        ads: list[list[Planned]] = []
        active = 0
        while active < wanted:
            published = timeline.history_published(rng, self.start)
            expires = _expiry(published, timeline.lifetime_days(rng))
            stop_at = _stop_time(rng, published, expires)
            end = expires if stop_at is None else stop_at
            if end <= horizon:
                continue
            order = (chunk << 20 | len(ads)) << 4
            ads.append(self._lifecycle(rng, published, order, expires, stop_at))
            active += end > self.start and is_active(ads[-1][0].data)  # as the feed counts
        return ads

    def slot_size(self, slot: int) -> int:
        """How many ads are first published in a slot after the start."""
        begin = self.origin + slot * DAY
        return timeline.slot_size(self.rng("count", slot), self.ads, begin)

    def chunks(self, slot: int) -> int:
        return -(-self.slot_size(slot) // CHUNK)

    def chunk(self, slot: int, chunk: int) -> list[list[Planned]]:
        """The planned steps of the ads of one chunk of a slot, ad by ad. Chunks have their own
        generators, so they can be made apart and still come out the same."""
        rng = self.rng("slot", slot, chunk)
        begin = self.origin + slot * DAY
        first = chunk * CHUNK
        ads = []
        for index in range(first, min(first + CHUNK, self.slot_size(slot))):
            published = _whole_second(begin + 1 + _below(rng, DAY - US))
            expires = _expiry(published, timeline.lifetime_days(rng))
            stop_at = _stop_time(rng, published, expires)
            ads.append(
                self._lifecycle(rng, published, (slot << 28) | (index << 4), expires, stop_at)
            )
        return ads

    def slot(self, slot: int) -> list[list[Planned]]:
        """The planned steps of each ad first published in this slot, ad by ad."""
        return [ad for chunk in range(self.chunks(slot)) for ad in self.chunk(slot, chunk)]

    def _lifecycle(
        self, rng: random.Random, published: int, order: int, expires: int, stop_at: int | None
    ) -> list[Planned]:
        """Publish (the feed's event a little after the whole-second `published`), updates
        (most soon after publishing), then a stop or the expiry."""
        ad = self.ad(rng, published, expires)
        uid = ad["uuid"]
        shown = published + US + _below(rng, _PUBLISH_DELAY * US)
        steps = [Planned(shown, order, "publish", uid, make_uuid(rng), ad)]
        end = expires if stop_at is None else stop_at
        span = max(1, end - shown - 1)
        updates = _UPDATES.pick(rng)
        times = sorted(shown + 1 + int(span * rng.random() ** 2) for _ in range(updates))
        for number, when in enumerate(times, 1):
            steps.append(
                Planned(when, order | number, "update", uid, make_uuid(rng), self.patch(rng, ad))
            )
        if stop_at is not None:
            steps.append(
                Planned(max(stop_at, shown + 2), order | 14, "stop", uid, make_uuid(rng), {})
            )
        else:
            steps.append(Planned(expires, order | 15, "expire", uid, make_uuid(rng), {}))
        return steps

    # ---- pools ----------------------------------------------------------------------------
    @cached_property
    def employers(self) -> list[dict[str, Any]]:
        rng = self.rng("employers")
        vocab, text = self.vocab, self.vocab.text
        size = min(5000, max(300, self.ads // 8))
        pool = []
        for _ in range(size):
            place: Place = vocab.places.pick(rng)
            public = rng.random() < 0.25
            if public:
                pattern = _one(rng, text["public_employer_patterns"])
                name = pattern.format(municipality_title=_title_case(place.municipal))
            else:
                name = re.sub(
                    r"\{(\w+)\}",
                    lambda m: _one(
                        rng, vocab.last_names if m[1] == "last_name" else vocab.company_suffixes
                    ),
                    _one(rng, vocab.company_formats),
                )
            domain = _slug(name) + ".no"
            pool.append(
                {
                    "name": name,
                    "legal": name.upper(),
                    "orgnr": orgnr(rng),
                    "public": public,
                    "domain": domain,
                    "place": place,
                    "description": "<p>"
                    + _one(rng, text["employer_descriptions"]).format(employer=name)
                    + "</p>",
                }
            )
        return pool

    @cached_property
    def people(self) -> list[dict[str, str]]:
        rng = self.rng("people")
        vocab = self.vocab
        pool = []
        for _ in range(min(2000, max(200, self.ads // 5))):
            first, last = _one(rng, vocab.first_names), _one(rng, vocab.last_names)
            number = "".join(
                str(_below(rng, 10)) if c == "#" else c for c in _one(rng, vocab.phone_formats)
            )
            pool.append(
                {
                    "name": f"{first} {last}",
                    "phone": number,
                    "mailbox": f"{_slug(first)}.{_slug(last)}",
                }
            )
        return pool

    # ---- one ad ---------------------------------------------------------------------------
    def ad(self, rng: random.Random, published: int, expires: int | None = None) -> Ad:
        """One ad published at `published` (a whole second); `expires` is drawn if not given.
        Optional values the real services leave out are None (null on the wire)."""
        if expires is None:
            expires = _expiry(published, timeline.lifetime_days(rng))
        vocab, text = self.vocab, self.vocab.text
        occupation = vocab.occupations.pick(rng)
        employer = _one(rng, self.employers)
        public = employer["public"] or rng.random() < occupation["public_share"] * 0.3
        place: Place = employer["place"] if rng.random() < 0.7 else vocab.places.pick(rng)
        locations = [self._location(rng, place)]
        if rng.random() < 0.08:
            locations.append(self._location(rng, vocab.places.pick(rng)))
        title = _one(rng, occupation["titles"])
        business = employer["name"]
        if rng.random() < 0.2:
            business = f"{business}, {_one(rng, text['business_units'])}"
        source = vocab.sources.pick(rng)
        uid = make_uuid(rng)
        due = self._application_due(rng, expires)
        engagement, extent = vocab.engagementtypes.pick(rng), vocab.extents.pick(rng)
        sector = "Offentlig" if public else "Privat"
        about = (engagement, extent, sector, locations[0])
        url = f"https://www.{employer['domain']}/jobb/{10_000 + _below(rng, 90_000)}"
        return {
            "uuid": uid,
            "status": "ACTIVE",
            "privacy": "SHOW_ALL" if rng.random() < 0.99 else "INTERNAL_NOT_SHOWN",
            "source": source,
            "published": published,
            "expires": expires,
            "updated": published,
            "title": title,
            "businessName": business,
            "employer": {
                "name": employer["legal"],
                "orgnr": employer["orgnr"],
                "description": employer["description"] if rng.random() < 0.6 else None,
                "homepage": f"https://www.{employer['domain']}" if rng.random() < 0.7 else None,
            },
            "locations": locations,
            "contacts": self._contacts(rng, employer["domain"]),
            "categories": self._categories(rng, occupation),
            "occupationCategories": occupation["pyrk"],
            "adtext": self._adtext(rng, occupation, business, place, about),
            "sourceurl": url if source != "Stillingsregistrering" else None,
            "applicationUrl": url + "/soknad" if rng.random() < 0.5 else None,
            "applicationDue": due,
            "jobtitle": title if rng.random() < 0.8 else occupation["styrk08nav"]["name"],
            "engagementtype": engagement,
            "extent": extent,
            "starttime": _one(rng, text["starttime_text"]),
            "positioncount": _POSITIONS.pick(rng),
            "sector": sector,
            "remote": vocab.remote.pick(rng),
            "workLanguage": _one(rng, text["work_languages"]),
        }

    def _application_due(self, rng: random.Random, expires: int) -> str:
        """The free text the real ads carry: Snarest, an ISO or a Norwegian date, or words."""
        draw = rng.random()
        if draw < 0.2:
            return "Snarest"
        if draw < 0.3:
            return str(_one(rng, self.vocab.text["application_due_text"]))
        last_day = to_datetime(expires - DAY, OSLO).date()
        return last_day.isoformat() if draw < 0.75 else f"{last_day:%d.%m.%Y}"

    def _location(self, rng: random.Random, place: Place) -> dict[str, Any]:
        street = f"{_one(rng, self.vocab.text['streets'])} {rng.randint(1, 120)}"
        return {
            "address": street if rng.random() < 0.85 else None,
            "postalCode": place.postal_code,
            "city": place.city,
            "municipal": place.municipal,
            "county": place.county,
            "country": "NORGE",
        }

    def _contacts(self, rng: random.Random, domain: str) -> list[dict[str, Any]]:
        text = self.vocab.text
        contacts = []
        for _ in range(_CONTACTS.pick(rng)):
            person = _one(rng, self.people)
            email = f"{person['mailbox']}@{domain}"
            contacts.append(
                {
                    "name": person["name"],
                    "email": email if rng.random() < 0.9 else None,
                    "phone": person["phone"] if rng.random() < 0.8 else None,
                    "role": _one(rng, text["contact_roles"]),
                    "title": _one(rng, text["contact_titles"]),
                }
            )
        return contacts

    @staticmethod
    def _categories(rng: random.Random, occupation: dict[str, Any]) -> list[dict[str, Any]]:
        keys = {"ESCO": "esco", "JANZZ": "janzz", "STYRK08": "styrk08", "STYRK08NAV": "styrk08nav"}
        result = []
        for kind in _CATEGORY_TYPES:
            if kind in ("ESCO", "JANZZ") and rng.random() < 0.3:
                continue
            entry = occupation[keys[kind]]
            score = 1.0 if kind == "STYRK08NAV" else round(rng.uniform(0.5, 1.0), 2)
            result.append(
                {"categoryType": kind, "code": entry["code"], "name": entry["name"], "score": score}
            )
        return result

    def _adtext(
        self,
        rng: random.Random,
        occupation: dict[str, Any],
        business: str,
        place: Place,
        about: tuple[str, str, str, dict[str, Any]],
    ) -> str:
        """HTML as the real ads are written: about the employer, the position (its kind,
        extent, sector and place, in words a search finds), tasks, qualifications, offer,
        how to apply; each section with a run of words in their natural frequency."""
        text = self.vocab.text
        engagement, extent, sector, location = about
        kind = extent.replace("_og_", " og ").lower()
        position = (
            f"{occupation['styrk08nav']['name']}: {engagement.lower()} stilling, {kind},"
            f" i {sector.lower()} sektor. Arbeidssted: {_title_case(location['municipal'])},"
            f" {_title_case(location['county'])}."
        )

        def words() -> str:
            return filler(rng, "nb", 6 + _below(rng, 12))

        def bullets(items: list[str], k: int) -> str:  # k in a row from a random start
            start = _below(rng, len(items))
            chosen = (items[start:] + items[:start])[:k]
            return "".join(f"<li>{item}</li>" for item in chosen)

        intro = _one(rng, text["intros"]).format(employer=business, city=_title_case(place.city))
        return (
            f"<p>{intro} {words()}</p>"
            f"<p><strong>Om stillingen</strong></p><p>{position} {words()}</p>"
            f"<p><strong>Arbeidsoppgaver</strong></p><ul>{bullets(occupation['tasks'], 4)}</ul>"
            f"<p>{words()}</p>"
            f"<p><strong>Kvalifikasjoner</strong></p>"
            f"<ul>{bullets(occupation['qualifications'], 3)}</ul>"
            f"<p><strong>Vi tilbyr</strong></p><ul>{bullets(text['offers'], 3)}</ul>"
            f"<p>{_one(rng, text['closings'])} {words()}</p>"
        )

    def patch(self, rng: random.Random, ad: Ad) -> dict[str, Any]:
        """What an update changes: the due date, the text, the positions or the title."""
        kind = _PATCHES.pick(rng)
        if kind == "due":
            return {"applicationDue": _one(rng, self.vocab.text["application_due_text"])}
        if kind == "text":
            return {"adtext": ad["adtext"] + f"<p>{_one(rng, self.vocab.text['closings'])}</p>"}
        if kind == "count":
            return {"positioncount": str(rng.randint(1, 6))}
        note = _one(rng, ("snarest", "ny frist", "flere stillinger"))
        return {"title": f"{_one(rng, (ad['title'], ad['jobtitle']))} ({note})"}
