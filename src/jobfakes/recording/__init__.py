"""Record, redact and replay HTTP interactions as VCR.py cassettes; contract drift checks.

- `cassette`: the YAML format (version 1), loading with clear errors;
- `redact`: what never reaches the disk;
- `matching`: live request -> recorded answer;
- `recorder`: in-process record/replay over a requests.Session (`use_cassette`);
- `server`: the replay server and the recording proxy (WSGI);
- `contract`: schemathesis against any base URL, recorded responses against the contract.
"""

from __future__ import annotations

from jobfakes.recording.cassette import CassetteError, Interaction
from jobfakes.recording.matching import Matcher, ReplayMiss
from jobfakes.recording.recorder import Recording, replay_session, use_cassette
from jobfakes.recording.redact import Redactor

__all__ = [
    "CassetteError",
    "Interaction",
    "Matcher",
    "Recording",
    "Redactor",
    "ReplayMiss",
    "replay_session",
    "use_cassette",
]
