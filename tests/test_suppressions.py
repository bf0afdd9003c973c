"""Suppressions: they cover exactly their findings, expire loudly, and go stale visibly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from landingzone import ConfigError
from landingzone.gates.findings import Finding, Status
from landingzone.gates.suppressions import Suppression, Suppressions, apply_suppressions, load_suppressions

TODAY = dt.date(2026, 11, 21)
REASON = "Access logs bucket cannot log to itself; reviewed in SEC-42."


def finding(check: str = "CKV_AWS_18", stack: str = "baseline-prod", address: str = "aws_s3_bucket.logs") -> Finding:
    return Finding("checkov", stack, check, address, "Ensure access logging")


def entries(*items: Suppression) -> Suppressions:
    return Suppressions(items, tuple(range(10, 10 + len(items))))


def entry(resource: str = "baseline-*:aws_s3_bucket.logs", expires: dt.date | None = None,
          check: str = "CKV_AWS_18") -> Suppression:
    return Suppression(check=check, resource=resource, reason=REASON, owner="security-team", expires=expires)


def test_matching_entry_suppresses_with_its_reason() -> None:
    [out] = apply_suppressions([finding()], entries(entry()), TODAY)
    assert out.status is Status.SUPPRESSED
    assert out.note == f"{REASON} (security-team, policies/checkov/suppressions.yaml:10)"


@pytest.mark.parametrize("other", [finding(check="CKV_AWS_21"), finding(stack="org"),
                                   finding(address="aws_s3_bucket.data")])
def test_entry_covers_only_its_check_and_resource(other: Finding) -> None:
    out = apply_suppressions([other], entries(entry()), TODAY)
    assert [f.status for f in out] == [Status.FAILED, Status.WARNING]


def test_expired_entry_fails_and_suppresses_nothing() -> None:
    out = apply_suppressions([finding()], entries(entry(expires=dt.date(2026, 11, 20))), TODAY)
    assert [(f.gate, f.status) for f in out] == [("checkov", Status.FAILED), ("suppressions", Status.FAILED)]
    assert out[1].message.startswith("suppression expired on 2026-11-20")


def test_entry_is_valid_through_its_expiry_day() -> None:
    [out] = apply_suppressions([finding()], entries(entry(expires=TODAY)), TODAY)
    assert out.status is Status.SUPPRESSED


def test_stale_entry_is_a_warning() -> None:
    [stale] = apply_suppressions([], entries(entry()), TODAY)
    assert (stale.status, stale.source) == (Status.WARNING, "policies/checkov/suppressions.yaml:10")
    assert stale.message == "suppression matches no finding; remove it so it cannot hide a future one"


@pytest.mark.parametrize(("field", "expected"), [
    ("    reason: because\n", "policies/checkov/suppressions.yaml:4: suppressions[0].reason: 'because' is 7 "
                             "characters long; at least 20 are needed"),
    (f"    reason: {REASON}\n    expires: 2027-13-01\n", "policies/checkov/suppressions.yaml:5: "
     "suppressions[0].expires: '2027-13-01' cannot be read (month must be in 1..12); quote it if it is meant as text"),
])
def test_file_errors_name_the_line(tmp_path: Path, field: str, expected: str) -> None:
    path = tmp_path / "policies" / "checkov" / "suppressions.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("suppressions:\n  - check: CKV_AWS_18\n    resource: 'org:*'\n" + field + "    owner: me\n")
    with pytest.raises(ConfigError) as raised:
        load_suppressions(tmp_path)
    assert [str(p) for p in raised.value.problems] == [expected]
