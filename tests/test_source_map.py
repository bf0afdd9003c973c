"""sources.json: each resource of a synthesized stack named to the config file of the deepest recorded construct."""

from __future__ import annotations

from types import SimpleNamespace

from landingzone.constructs.sources import SourceMap


def construct(path: str) -> SimpleNamespace:
    return SimpleNamespace(node=SimpleNamespace(path=path))


def block(path: str) -> dict:
    return {"//": {"metadata": {"path": path, "uniqueId": path.rsplit("/", 1)[-1]}}}


def test_the_deepest_recorded_construct_names_the_file() -> None:
    sources = SourceMap()
    sources.record(construct("baseline-dev"), "config/organization.yaml")
    sources.record(construct("baseline-dev/vpc"), "accounts/dev.yaml")
    sources.record(construct("baseline-dev/vpc"), "accounts/other.yaml")  # the same construct again: first holds
    sources.record(construct("baseline-dev/vp"), "accounts/prefix.yaml")  # a name prefix is not a parent
    document = {"resource": {
        "aws_vpc": {"vpc_dev": block("baseline-dev/vpc/vpc")},
        "aws_subnet": {"private_a": block("baseline-dev/vpc/private/a"), "loose": {"cidr_block": "10.0.0.0/24"}},
        "aws_budgets_budget": {"budget": block("baseline-dev/budget")},
        "aws_s3_bucket": {"elsewhere": block("other-stack/bucket")}},
        "data": {"aws_caller_identity": {"current": block("baseline-dev/vpc/current")}}}
    assert sources.addresses(document) == {
        "aws_budgets_budget.budget": "config/organization.yaml",
        "aws_subnet.private_a": "accounts/dev.yaml",
        "aws_vpc.vpc_dev": "accounts/dev.yaml"}
    assert list(sources.addresses(document)) == sorted(sources.addresses(document))
