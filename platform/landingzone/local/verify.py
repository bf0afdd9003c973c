"""Read the deployed landing zone back from the local AWS with boto3 and compare it with the config: what the
Terraform run says it did is not evidence, what the API returns is."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from landingzone.config import LandingZone
from landingzone.config.checks_network import reachable_segments
from landingzone.config.model import ROOT
from landingzone.constructs.ids import hub_name, segment_table_name
from landingzone.local.check import Check, difference
from landingzone.local.clients import LocalClients
from landingzone.local.verify_policies import policy_checks
from landingzone.topology import StackSpec

_ATTACHMENT = "aws_ec2_transit_gateway_vpc_attachment"
StateOf = Callable[[str], Mapping[str, Any]]  # stack → `terraform show -json` of its state
ConfigOf = Callable[[str], Mapping[str, Any]]  # stack → the Terraform JSON applied


def verify(lz: LandingZone, clients: LocalClients, specs: Sequence[StackSpec], state_of: StateOf,
           config_of: ConfigOf) -> list[Check]:
    org = clients.management("organizations")
    paths = _ou_paths(org)
    checks = [*_accounts(lz, clients, org, paths), *policy_checks(lz, org, paths), *_deployer_roles(lz, clients)]
    states = {spec.name: state_of(spec.name) for spec in specs}  # each `terraform show` once
    if lz.network is not None:
        intended = {}
        for spec in specs:
            configured = config_of(spec.name).get("resource", {}).get(_ATTACHMENT, {})
            for resource in _managed(states[spec.name], _ATTACHMENT):
                intended[resource["values"]["id"]] = configured[resource["name"]].get("tags", {}).get("Segment", "")
        checks += [*_segments(lz, clients, intended), *_central_endpoints(lz, clients)]
    for spec in specs:
        if spec.name.startswith(tuple(f"{w}-" for w in _workload_names(lz))):
            checks += _workload(clients, spec, states[spec.name])
    return checks


def _workload_names(lz: LandingZone) -> set[str]:
    return {name for account in lz.accounts for name in account.workloads}


def _ou_paths(org: Any) -> dict[str, str]:
    """OU or root ID → path as config writes it (`Root`, `Workloads/Prod`)."""
    root = org.list_roots()["Roots"][0]["Id"]
    paths, pending = {root: ROOT}, [(root, "")]
    while pending:
        parent, prefix = pending.pop()
        for page in org.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent):
            for ou in page["OrganizationalUnits"]:
                paths[ou["Id"]] = prefix + ou["Name"]
                pending.append((ou["Id"], f"{prefix}{ou['Name']}/"))
    return paths


def _accounts(lz: LandingZone, clients: LocalClients, org: Any, paths: Mapping[str, str]) -> Iterator[Check]:
    ids = clients.account_ids()
    for account in lz.accounts:
        if not ids.get(account.name):
            yield Check(f"account {account.name}", False, f"no account with email {account.manifest.email}")
            continue
        parent = org.list_parents(ChildId=ids[account.name])["Parents"][0]["Id"]
        where = paths.get(parent, parent)
        yield Check(f"account {account.name} in {account.ou}", where == account.ou, f"found in {where}")


def _deployer_roles(lz: LandingZone, clients: LocalClients) -> Iterator[Check]:
    """The deployer role in every account, trusted by exactly what the configuration says: the runner principals
    and, with Spacelift, its integration (by external ID) and the role's own sessions, each under its condition."""
    if lz.delivery is None:
        return
    from landingzone.constructs.deployer_role import trust_policy
    from landingzone.delivery.bootstrap import deployer_spec

    spec, ids = deployer_spec(lz, lz.delivery), clients.account_ids()
    for account in lz.accounts:
        if account.decommissioned:
            continue
        iam = clients.account(account.name, "iam")
        try:
            trust = iam.get_role(RoleName=lz.deployer_role)["Role"]["AssumeRolePolicyDocument"]
        except iam.exceptions.NoSuchEntityException:
            yield Check(f"deployer role in {account.name}", False, f"no role {lz.deployer_role}")
            continue
        found = _grants(json.loads(trust) if isinstance(trust, str) else trust)
        expected = _grants(trust_policy(spec, lambda part, i=ids[account.name]: f"arn:aws:iam::{i}:{part}"))
        yield Check(f"deployer role in {account.name}", found == expected,
                    difference(expected, found) or f"trusted by exactly {sorted(expected)}")


def _grants(document: Mapping[str, Any]) -> set[str]:
    """Each principal an Allow statement of a trust policy names, with the condition it is trusted under."""
    return {principal + (f" if {json.dumps(s['Condition'], sort_keys=True)}" if s.get("Condition") else "")
            for s in document["Statement"] if s["Effect"] == "Allow"
            for principal in _listed(s.get("Principal", {}).get("AWS", []))}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _segments(lz: LandingZone, clients: LocalClients, intended: Mapping[str, str]) -> Iterator[Check]:
    """`intended`: attachment ID → the segment its stack's config puts it in (its Segment tag: moto returns no
    attachment tags, neither to boto3 nor to Terraform's state)."""
    net, name = lz.network, lz.organization.organization.name
    assert net is not None
    ec2 = clients.account(lz.organization.core_accounts.shared_services, "ec2", net.transit_gateway.region)
    hubs = [t for t in ec2.describe_transit_gateways()["TransitGateways"] if _tag(t, "Name") == hub_name(name)]
    yield Check("Transit Gateway hub", len(hubs) == 1, f"{len(hubs)} gateways named {hub_name(name)}")
    if len(hubs) != 1:
        return
    hub = hubs[0]["TransitGatewayId"]
    options = hubs[0]["Options"]
    yield Check("hub attaches nothing by default",
                options["DefaultRouteTableAssociation"] == options["DefaultRouteTablePropagation"] == "disable",
                f"default association {options['DefaultRouteTableAssociation']}, "
                f"propagation {options['DefaultRouteTablePropagation']}")
    tables = {_tag(t, "Name"): t["TransitGatewayRouteTableId"] for t in ec2.describe_transit_gateway_route_tables(
        Filters=[{"Name": "transit-gateway-id", "Values": [hub]}])["TransitGatewayRouteTables"]}
    segment_of_table = {tables[segment_table_name(name, s.name)]: s.name for s in net.segments
                        if segment_table_name(name, s.name) in tables}
    yield Check("a route table per segment", len(segment_of_table) == len(net.segments),
                f"{len(segment_of_table)} of {len(net.segments)} segment tables")
    associated: dict[str, set[str]] = {}
    propagated: dict[str, set[str]] = {}
    for table, segment in segment_of_table.items():
        for a in ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table)["Associations"]:
            associated.setdefault(a["TransitGatewayAttachmentId"], set()).add(segment)
        for p in ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=table)[
                "TransitGatewayRouteTablePropagations"]:
            propagated.setdefault(p["TransitGatewayAttachmentId"], set()).add(segment)
    attachments = ec2.describe_transit_gateway_attachments(
        Filters=[{"Name": "transit-gateway-id", "Values": [hub]}])["TransitGatewayAttachments"]
    for attachment in attachments:
        attachment_id = attachment["TransitGatewayAttachmentId"]
        segment = intended.get(attachment_id, "")
        reach = set(reachable_segments(net, segment)) if segment else set()
        found = (associated.get(attachment_id, set()), propagated.get(attachment_id, set()))
        yield Check(f"attachment {attachment_id} in segment {segment or '(no stack made it)'}",
                    bool(segment) and found == ({segment}, reach),
                    f"associated with {sorted(found[0])}, propagates to {sorted(found[1])} "
                    f"(expected {segment} and {sorted(reach)})")
    yield Check("hub attachments", bool(attachments), f"{len(attachments)} attachments read back")


def _central_endpoints(lz: LandingZone, clients: LocalClients) -> Iterator[Check]:
    net = lz.network
    assert net is not None
    region, account = net.transit_gateway.region, lz.organization.core_accounts.shared_services
    ec2 = clients.account(account, "ec2", region)
    route53 = clients.account(account, "route53", region)
    for service in net.central_endpoints.services:
        found = ec2.describe_vpc_endpoints(Filters=[{"Name": "service-name",
                                                     "Values": [f"com.amazonaws.{region}.{service}"]}])["VpcEndpoints"]
        yield Check(f"central {service} endpoint", len(found) == 1 and found[0]["VpcEndpointType"] == "Interface",
                    f"{len(found)} endpoints, type {found[0]['VpcEndpointType'] if found else '-'}")
        if not found:
            continue
        zone_name = f"{service}.{region}.amazonaws.com."
        zones = [z for z in route53.list_hosted_zones_by_name(DNSName=zone_name)["HostedZones"]
                 if z["Name"] == zone_name]
        records = [r for z in zones for r in route53.list_resource_record_sets(HostedZoneId=z["Id"])[
            "ResourceRecordSets"] if r["Type"] == "A" and r["Name"] == zone_name]
        endpoint_dns = {e["DnsName"].rstrip(".") for e in found[0].get("DnsEntries", [])}
        aliases = {r.get("AliasTarget", {}).get("DNSName", "").rstrip(".") for r in records}
        yield Check(f"zone {zone_name} aliases the endpoint", len(zones) == 1 and bool(aliases & endpoint_dns),
                    f"{len(zones)} zones, apex A alias to {sorted(aliases) or 'nothing'}")


def _workload(clients: LocalClients, spec: StackSpec, state: Mapping[str, Any]) -> Iterator[Check]:
    resources: dict[str, list[Mapping[str, Any]]] = {}
    for resource in _managed(state):
        resources.setdefault(resource["type"], []).append(resource["values"])
    for values in resources.get("aws_s3_bucket_lifecycle_configuration", []):
        s3 = clients.account(spec.account, "s3")
        rules = s3.get_bucket_lifecycle_configuration(Bucket=values["bucket"])["Rules"]
        found = {(r["ID"], r["Status"], r.get("Expiration", {}).get("Days")) for r in rules}
        expected = {(r["id"], r["status"], (r.get("expiration") or [{}])[0].get("days") or None)
                    for r in values["rule"]}
        yield Check(f"{spec.name}: lifecycle of {values['bucket']}", found == expected,
                    difference(expected, found) or f"{len(found)} rules as synthesized")
    for values in resources.get("aws_dynamodb_table", []):
        dynamodb = clients.account(spec.account, "dynamodb", _region(values["arn"]))
        table = dynamodb.describe_table(TableName=values["name"])["Table"]
        indexes = sorted(i["IndexName"] for i in table.get("GlobalSecondaryIndexes", []))
        pitr = dynamodb.describe_continuous_backups(TableName=values["name"])["ContinuousBackupsDescription"][
            "PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        expected_indexes = sorted(i["name"] for i in values["global_secondary_index"])
        ok = indexes == expected_indexes and pitr == "ENABLED" and table["TableStatus"] == "ACTIVE"
        yield Check(f"{spec.name}: table {values['name']}", ok,
                    f"{table['TableStatus']}, indexes {indexes} (expected {expected_indexes}), PITR {pitr}")
    alarms = resources.get("aws_cloudwatch_metric_alarm", [])
    by_region: dict[str, list[Mapping[str, Any]]] = {}
    for values in alarms:
        by_region.setdefault(_region(values["arn"]), []).append(values)
    for region, group in sorted(by_region.items()):
        cloudwatch = clients.account(spec.account, "cloudwatch", region)
        names = [v["alarm_name"] for v in group]
        found = {a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]}
        wrong = [v["alarm_name"] for v in group if v["alarm_name"] not in found
                 or found[v["alarm_name"]]["AlarmActions"] != v["alarm_actions"]
                 or found[v["alarm_name"]]["Threshold"] != v["threshold"]]
        yield Check(f"{spec.name}: alarms in {region}", not wrong and bool(names),
                    f"missing or different: {wrong}" if wrong else f"{len(names)} alarms with their actions")


def _managed(state: Mapping[str, Any], type_: str | None = None) -> list[Mapping[str, Any]]:
    """The managed resources of a `terraform show -json` state, of one type or all."""
    return [r for r in state.get("values", {}).get("root_module", {}).get("resources", [])
            if r["mode"] == "managed" and type_ in (None, r["type"])]


def _region(arn: str) -> str:
    return arn.split(":")[3]


def _tag(item: Mapping[str, Any], key: str) -> str:
    return next((t["Value"] for t in item.get("Tags", []) if t["Key"] == key), "")
