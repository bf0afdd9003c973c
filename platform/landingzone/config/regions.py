"""The AWS regions, and Availability Zone IDs per region, for spreading subnets without a call to AWS.

Zone IDs, not names: `us-east-1a` maps to a different physical zone in each account, while `use1-az1` is
the same everywhere, so spokes and the central endpoints line up across accounts. Regions missing here
can list their zone IDs in `transit_gateway.availability_zone_ids`.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import metadata, resources

AZ_IDS: dict[str, tuple[str, ...]] = {
    "us-east-1": ("use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6", "use1-az3"),
    "us-east-2": ("use2-az1", "use2-az2", "use2-az3"),
    "us-west-1": ("usw1-az1", "usw1-az3"),
    "us-west-2": ("usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"),
    "ca-central-1": ("cac1-az1", "cac1-az2", "cac1-az4"),
    "eu-west-1": ("euw1-az1", "euw1-az2", "euw1-az3"),
    "eu-west-2": ("euw2-az1", "euw2-az2", "euw2-az3"),
    "eu-west-3": ("euw3-az1", "euw3-az2", "euw3-az3"),
    "eu-central-1": ("euc1-az1", "euc1-az2", "euc1-az3"),
    "eu-north-1": ("eun1-az1", "eun1-az2", "eun1-az3"),
    "ap-northeast-1": ("apne1-az1", "apne1-az2", "apne1-az4"),
    "ap-southeast-1": ("apse1-az1", "apse1-az2", "apse1-az3"),
    "ap-southeast-2": ("apse2-az1", "apse2-az2", "apse2-az3"),
    "ap-south-1": ("aps1-az1", "aps1-az2", "aps1-az3"),
    "sa-east-1": ("sae1-az1", "sae1-az2", "sae1-az3"),
}


@cache
def aws_regions() -> frozenset[str]:
    """Every region of every AWS partition, from the endpoint data botocore ships (no network needed)."""
    data = json.loads((resources.files("botocore") / "data" / "endpoints.json").read_text())
    return frozenset(region for partition in data["partitions"] for region in partition["regions"])


_DIGITS = str.maketrans({"l": "1", "i": "1", "|": "1", "o": "0"})


def region_problem(value: str) -> str | None:
    """Why `value` is not an AWS region, with the closest real one, or None when it is one."""
    if value in aws_regions():
        return None
    head, _, number = value.lower().rpartition("-")
    lookalike = f"{head}-{number.translate(_DIGITS)}"  # us-east-l: a letter l typed for the digit 1
    close = [lookalike] if lookalike in aws_regions() else difflib.get_close_matches(
        value.lower(), sorted(aws_regions()), n=1, cutoff=0.6)
    guess = f"; did you mean '{close[0]}'?" if close else ""
    return f"is not an AWS region (botocore {_botocore_version()} knows {len(aws_regions())}, like us-east-1 or " \
           f"eu-west-1){guess}"


def _botocore_version() -> str:
    try:
        return metadata.version("botocore")
    except metadata.PackageNotFoundError:
        return "data"
