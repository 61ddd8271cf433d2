"""Deterministic generation of the Dutch jobs and their postings, chunk by chunk.

Every chunk of jobs draws from its own generator seeded by (world seed, chunk), so chunks can
be made apart, in worker processes, and still come out the same. Organisations come from a
pool made once per world from Faker's Dutch (nl_NL) name lists and our own generator.
"""

from __future__ import annotations

import random
import re
from bisect import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import orjson

from jobfakes.world.jobfeed.schema import JOB_COLUMNS, POSTING_COLUMNS
from jobfakes.world.jobfeed.vocab import DutchVocabulary, Place, Profession, dutch_vocabulary
from jobfakes.world.vocab import Weighted
from jobfakes.world.words import filler

CHUNK = 2000  # jobs drawn from one generator
HISTORY_DAYS = 730  # jobs were first seen up to two years before the world's start
Row = tuple[Any, ...]

_POSTINGS = Weighted.of([(1, 52), (2, 26), (3, 12), (4, 6), (5, 4)])
_HOURS = Weighted.of(
    [((40, 40), 20), ((36, 40), 22), ((32, 40), 18), ((24, 32), 12), ((16, 24), 8),
     ((20, 28), 6), ((38, 38), 4), (None, 10)]
)  # fmt: skip
_CONTRACTS = Weighted.of([(1, 34), (2, 24), (3, 14), (4, 5), (5, 12), (6, 4), (7, 4), (9, 3)])
_EDU_STEPS = (0, 1, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 15, 17, 19)
_AGENCIES = (
    "Randstad", "Tempo-Team", "Adecco", "YoungCapital", "Olympia", "Manpower", "Start People",
    "Unique", "Covebo", "Luba", "Brunel", "Yacht",
)  # fmt: skip


@dataclass(frozen=True)
class Organisation:
    name: str
    industry: int
    size: int
    slug: str
    agency: bool


def _hex32(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "vacature"


_INDUSTRY_OF_CLASS = {1: 9, 2: 12, 3: 2, 4: 5, 5: 13, 6: 11, 7: 4, 8: 8, 9: 6, 10: 3, 11: 9,
                      12: 9, 19: 2}  # fmt: skip


class JobGenerator:
    """Makes the jobs of one world: `jobs` jobs first seen before `today`."""

    def __init__(self, seed: int, jobs: int, today: date, vocab: DutchVocabulary | None = None):
        self.seed, self.jobs, self.today = seed, jobs, today
        self._vocab = vocab

    @property
    def vocab(self) -> DutchVocabulary:
        if self._vocab is None:
            self._vocab = dutch_vocabulary()
        return self._vocab

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(map(str, ("jobfeed", self.seed, *parts))))

    @property
    def chunks(self) -> int:
        return -(-self.jobs // CHUNK)

    @cached_property
    def organisations(self) -> tuple[Organisation, ...]:
        """Employers, from Faker's nl_NL company and name lists and our generator."""
        from faker.providers.company import nl_NL as company
        from faker.providers.person import nl_NL as person

        rng = self.rng("organisations")
        lasts = person.Provider.last_names
        prefixes = company.Provider.company_prefixes
        suffixes = company.Provider.company_suffixes
        large = company.Provider.large_companies
        out: list[Organisation] = []
        seen: set[str] = set()
        size = min(max(self.jobs // 6, 60), 60_000)
        while len(out) < size:
            kind = rng.random()
            if kind < 0.4:
                name = f"{rng.choice(lasts)} {rng.choice(suffixes)}"
            elif kind < 0.6:
                name = f"{rng.choice(lasts)} & {rng.choice(lasts)}"
            elif kind < 0.95:
                name = f"{rng.choice(prefixes)} {rng.choice(lasts)}"
            else:
                name = rng.choice(large)
            if name in seen and kind < 0.95:
                continue
            seen.add(name)
            industry = rng.choice((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14))
            out.append(
                Organisation(name, industry, rng.choice((1, 2, 2, 3, 3, 4, 5)), _slug(name), False)
            )
        agencies = [
            Organisation(n, 15 if i % 3 else 16, 5, _slug(n), True) for i, n in enumerate(_AGENCIES)
        ]
        return tuple(out + agencies)

    def chunk(self, index: int) -> tuple[list[Row], list[Row]]:
        """(job rows, posting rows) of the jobs of one chunk; job rowids are global."""
        rng = self.rng("chunk", index)
        first = index * CHUNK
        jobs: list[Row] = []
        postings: list[Row] = []
        for number in range(first + 1, min(first + CHUNK, self.jobs) + 1):
            job, posts = self._job(rng, number)
            jobs.append(job)
            postings.extend(posts)
        return jobs, postings

    # ---- one job ---------------------------------------------------------------------------
    def _job(self, rng: random.Random, number: int) -> tuple[Row, list[Row]]:
        v = self.vocab
        prof: Profession = v.weighted_professions.pick(rng)
        place: Place = v.weighted_places.pick(rng)
        via = rng.random() < 0.22
        orgs = self.organisations
        if via:
            org = orgs[len(orgs) - 1 - int(rng.random() * len(_AGENCIES))]
        else:
            org = orgs[int(rng.random() * (len(orgs) - len(_AGENCIES)))]
            if rng.random() < 0.5:  # employers mostly hire in their own line of business
                org = Organisation(
                    org.name, _INDUSTRY_OF_CLASS[prof.klass], org.size, org.slug, False
                )
        edu = self._education(rng, prof.education)
        hours = _HOURS.pick(rng)
        contract = 3 if via and rng.random() < 0.5 else _CONTRACTS.pick(rng)
        employment = None if hours is None else 1 if hours[0] > 32 else 2 if hours[1] <= 32 else 3
        irregular = (prof.klass in (5, 9, 4) and rng.random() < 0.5) or rng.random() < 0.08
        salary: tuple[int | None, int | None, int | None] = (None, None, None)
        if rng.random() < 0.65:
            base = prof.salary * (0.85 + 0.3 * rng.random())
            low, high = int(base * 0.9) // 50 * 50, int(base * 1.15) // 50 * 50
            salary = ((low + high) // 2 // 50 * 50, low, high)
        experience: tuple[int | None, int | None] = (None, None)
        if rng.random() < 0.7:
            low_x = int(rng.random() * 6)
            experience = (low_x, low_x + int(rng.random() * 5) if rng.random() < 0.6 else None)
        it = [s for s in prof.it_skills if rng.random() < 0.7]
        pro = [s for s in prof.professional_skills if rng.random() < 0.75]
        soft = rng.sample(list(v.codes["soft_skills"]), 1 + int(rng.random() * 3))
        langs = (
            ["nl"]
            + (["en"] if rng.random() < 0.3 else [])
            + (["de"] if rng.random() < 0.05 else [])
        )
        age = int(HISTORY_DAYS * rng.random() ** 1.4)
        start = self.today - timedelta(days=age)
        english = rng.random() < 0.06
        values = {
            "title": prof.en if english else prof.nl,
            "org": org.name,
            "place": place.name,
            "hours": (f"{hours[0]}" if hours[0] == hours[1] else f"{hours[0]} tot {hours[1]}")
            if hours
            else "32 tot 40",
            "salary": f"€ {salary[1]} - € {salary[2]}" if salary[1] else "een marktconform salaris",
            "skill": v.codes["professional_skills"][pro[0]][0].lower() if pro else "je vak",
            "soft": v.codes["soft_skills"][soft[0]][0].lower(),
            "edu": v.codes["education_level"][str(edu)][0] if edu else "afgerond",
            "years": str(experience[0] or 1),
        }
        texts = self._texts(rng, values)
        self._label_sentences(
            rng, texts, place, org.industry, contract, employment, 2 if irregular else 1,
            edu, (it, pro, soft, langs),
        )  # fmt: skip
        count = _POSTINGS.pick(rng)
        sites = self._sites(rng, count, org)
        job_id = _hex32(rng)
        common = {
            "organization_industry": org.industry,
            "organization_size": org.size,
            "profession": prof.code,
            "profession_group": prof.group,
            "profession_class": prof.klass,
            "education_level": edu,
            "contract_type": contract,
            "employment_type": employment,
            "working_hours_type": 2 if irregular else 1,
            "hours_per_week_from": hours[0] if hours else None,
            "hours_per_week_to": hours[1] if hours else None,
            "salary": salary[0],
            "salary_from": salary[1],
            "salary_to": salary[2],
            "experience_years_from": experience[0],
            "experience_years_to": experience[1],
            "location": place.code,
            "region": place.region,
            "province": place.province,
            "via_intermediary": int(via),
            "it_skills": orjson.dumps(it).decode(),
            "professional_skills": orjson.dumps(pro).decode(),
            "soft_skills": orjson.dumps(soft).decode(),
            "language_skills": orjson.dumps(langs).decode(),
            "location_lat": place.lat,
            "location_lon": place.lon,
            "location_coordinates": _coordinates(place),
        }
        posts: list[Row] = []
        dates: list[tuple[date, date | None]] = []
        for index, (site, source_type) in enumerate(sites):
            post = dict(common)
            posted = start + timedelta(days=0 if index == 0 else int(rng.random() * 15))
            ends = posted + timedelta(days=7 + int(rng.random() * 84))
            expires = ends if ends <= self.today else None
            posted = min(posted, self.today)
            dates.append((posted, expires))
            if index and rng.random() < 0.12:  # another posting may be classified otherwise
                sibling = v.by_group[prof.group]
                other = sibling[int(rng.random() * len(sibling))]
                post.update(profession=other.code)
            if index and rng.random() < 0.15:
                post.update(education_level=self._education(rng, prof.education))
            if index and rng.random() < 0.08:
                moved: Place = v.weighted_places.pick(rng)
                post.update(location=moved.code, region=moved.region, province=moved.province,
                            location_lat=moved.lat, location_lon=moved.lon,
                            location_coordinates=_coordinates(moved))  # fmt: skip
            title = self._title(rng, values["title"], place.name)
            posting_id = _hex32(rng)
            post.update(
                posting_id=posting_id,
                date=posted.isoformat(),
                expiration_date=expires.isoformat() if expires else None,
                expired=int(expires is not None),
                job_title=title,
                organization_name=org.name,
                location_name=v.places_by_code[int(post["location"] or 0)].name,
                source_website=site,
                source_url=f"https://www.{site}/vacature/{_slug(title)}-{posting_id[:8]}",
                source_type=source_type,
                advertiser_type=(3 if org.industry == 16 else 2) if via else 1,
                language="en" if english else "nl",
                job=number,
                **texts,
            )
            posts.append(tuple(post.get(c) for c in POSTING_COLUMNS))
        first_date = min(d for d, _ in dates)
        ends_all = [e for _, e in dates]
        job_expires = None if any(e is None for e in ends_all) else max(e for e in ends_all if e)
        job = dict(common)
        job.update(
            rowid=number,
            job_id=job_id,
            date=first_date.isoformat(),
            expiration_date=job_expires.isoformat() if job_expires else None,
            expired=int(job_expires is not None),
            posting_count=count,
            source_website_count=len({s for s, _ in sites}),
        )
        return tuple(job.get(c) for c in JOB_COLUMNS), posts

    @staticmethod
    def _education(rng: random.Random, typical: int) -> int:
        if rng.random() < 0.08:
            return 0
        step = _EDU_STEPS.index(typical) + (0 if rng.random() < 0.6 else rng.choice((-2, -1, 1)))
        return _EDU_STEPS[max(1, min(len(_EDU_STEPS) - 1, step))]

    def _texts(self, rng: random.Random, values: dict[str, str]) -> dict[str, str]:
        text = self.vocab.text
        counts = {
            "job_description": 3,
            "candidate_description": 2,
            "conditions_description": 2,
            "employer_description": 1,
            "application_description": 1,
        }
        return {
            part: " ".join(t.format(**values) for t in rng.sample(text[part], n))
            for part, n in counts.items()
        }

    def _label_sentences(
        self,
        rng: random.Random,
        texts: dict[str, str],
        place: Place,
        industry: int,
        contract: int,
        employment: int | None,
        hours_type: int,
        education: int,
        skills: tuple[list[str], list[str], list[str], list[str]],
    ) -> None:
        """The sentences that name the job's coded values (so a search for a label's words
        finds the jobs that carry it), and runs of words in their natural frequency."""
        codes = self.vocab.codes

        def label(table: str, code: object) -> str:
            return str(codes[table][str(code)][0])

        region = self.vocab.region_names[place.region]
        province = self.vocab.province_names[place.province]
        tables = ("it_skills", "professional_skills", "soft_skills", "language_skills")
        named = [label(t, s) for t, chosen in zip(tables, skills, strict=True) for s in chosen]
        employment_text = f" ({label('employment_type', employment)})" if employment else ""
        parts = {
            "job_description": f"Standplaats: {place.name}, regio {region}, provincie {province}.",
            "candidate_description": (
                f"Opleidingsniveau: {label('education_level', education)}."
                f" Gevraagd: {', '.join(named)}."
            ),
            "conditions_description": (
                f"Het betreft een {label('contract_type', contract).lower()}{employment_text},"
                f" {label('working_hours_type', hours_type).lower()}."
            ),
            "employer_description": f"Sector: {label('organization_industry', industry)}.",
        }
        for part, sentence in parts.items():
            extra = filler(rng, "nl", 6 + int(rng.random() * 12))
            texts[part] = f"{texts[part]} {sentence} {extra}"

    def _title(self, rng: random.Random, title: str, place: str) -> str:
        text = self.vocab.text
        prefix = text["title_prefixes"][int(rng.random() * len(text["title_prefixes"]))]
        suffix = text["title_suffixes"][int(rng.random() * len(text["title_suffixes"]))]
        full = prefix + (title[0].upper() + title[1:]) + suffix.replace("{place}", place)
        return full

    def _sites(self, rng: random.Random, count: int, org: Organisation) -> list[tuple[str, int]]:
        """`count` different websites: job boards, and sometimes the employer's own site."""
        chosen: list[tuple[str, int]] = []
        if not org.agency and rng.random() < 0.25:
            chosen.append((f"werkenbij{org.slug.replace('-', '')}.nl", 2))
        boards = [(w, t) for w, t, _ in self.vocab.websites if org.agency or t != 3]
        weights = [wt for _, t, wt in self.vocab.websites if org.agency or t != 3]
        cum = [sum(weights[: i + 1]) for i in range(len(weights))]
        while len(chosen) < count:
            site = boards[bisect(cum, rng.random() * cum[-1])]
            if site not in chosen:
                chosen.append(site)
        return chosen[:count]


def _coordinates(place: Place) -> str:
    """`location_coordinates` as Jobfeed consumers read it: "lat,lon"."""
    return f"{place.lat},{place.lon}"
