"""Consumer verification: run a scenario while a consumer runs, then compare what it holds
with the world's ground truth and what it cost with what it needed (see `report`)."""

from jobfakes.verify.export import Holding, read_export
from jobfakes.verify.report import Finding, Report, check
from jobfakes.verify.run import verify

__all__ = ["Finding", "Holding", "Report", "check", "read_export", "verify"]
