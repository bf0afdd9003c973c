"""A synthetic organisation of N accounts for the benchmarks (and a test at small N).

The example's seven accounts plus N - 7 generated ones: alternately in the Prod and NonProd OUs (and their
segments), each a spoke with its own /22 from 10.64.0.0/10 (inside the example's hub route, clear of its
VPCs, never overlapping), and every WORKLOAD_EVERY-th one running the meeting recorder, so workload stacks
grow with the organisation too.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import copy_example  # noqa: E402

WORKLOAD_EVERY = 25
MANIFEST = """name: {name}
email: aws-{name}@acme-corp.example
ou: {ou}
environment: {environment}
owner: team-{i}
cost_center: CC-{i}
budget: {{monthly_limit_usd: 250, alert_emails: [team-{i}@acme-corp.example]}}
tags: {{Project: bench}}
network: {{vpc_cidr: {cidr}, segment: {segment}, az_count: 2, egress: {egress}}}
"""
WORKLOAD = """workloads:
  meeting-recorder:
    firebase_project_id: acme-recorder-{i}
    alert_emails: [team-{i}@acme-corp.example]
    monthly_budget_usd: 150
    table_customer_key: true
    log_retention_days: 30
    transcoding: {{max_vcpus: 8, image_tag: "1.4.0"}}
"""
SPOKE_SPACE = ipaddress.IPv4Network("10.64.0.0/10")
__all__ = ["big_project", "change_one_manifest", "copy_example"]


def generated_name(i: int) -> str:
    return f"workload-{i:04d}"


def big_project(folder: Path, accounts: int, workload_every: int = WORKLOAD_EVERY) -> Path:
    """The example project with `accounts` accounts in all (at least the example's seven)."""
    project = copy_example(folder)
    blocks = SPOKE_SPACE.subnets(new_prefix=22)
    for i in range(accounts - 7):
        ou, segment, environment = (("Workloads/NonProd", "nonprod", "dev") if i % 2 else
                                    ("Workloads/Prod", "prod", "prod"))
        workload = bool(workload_every) and i % workload_every == 0
        # the workload pulls images from ECR: its VPC needs egress (validation says so otherwise)
        text = MANIFEST.format(name=generated_name(i), ou=ou, i=i, cidr=next(blocks), segment=segment,
                               environment=environment, egress=str(workload).lower())
        if workload:
            text += WORKLOAD.format(i=i)
        (project / "accounts" / f"{generated_name(i)}.yaml").write_text(text)
    return project


def change_one_manifest(project: Path, i: int = 1) -> str:
    """Raise one generated account's budget, as a platform engineer's one-line change; returns the stack."""
    manifest = project / "accounts" / f"{generated_name(i)}.yaml"
    manifest.write_text(manifest.read_text().replace("monthly_limit_usd: 250", "monthly_limit_usd: 300"))
    return f"baseline-{generated_name(i)}"
