"""An application team's IAM role: under `/workloads/<workload>/`, capped by the account's permissions boundary,
trusted by one AWS service acting for this account only, with its permissions inline and named."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin, ref
from landingzone.constructs.part import Part
from landingzone.constructs.permissions_boundary import WORKLOAD_PATH, boundary_arn
from landingzone.constructs.trust import service_trust

__all__ = ["WorkloadRole", "service_trust"]  # workloads take the trust policy from here

Statement = dict[str, object]


class WorkloadRole(Part):
    def __init__(self, scope: Construct, id_: str, *, workload: str, name: str, account_id: str,
                 trust: dict[str, object], statements: Sequence[Statement], description: str,
                 max_session_seconds: int = 3600, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        self.role = pin(IamRole(self, "role", name=f"{workload}-{name}", path=f"/{WORKLOAD_PATH}/{workload}/",
                                description=description, assume_role_policy=json.dumps(trust),
                                permissions_boundary=boundary_arn(account_id),
                                max_session_duration=max_session_seconds, provider=provider),
                        "iam_role", workload, name)
        self.arn = ref(self.role, "arn")
        self.name = ref(self.role, "name")
        if statements:
            pin(IamRolePolicy(self, "policy", name=f"{workload}-{name}", role=ref(self.role, "id"), provider=provider,
                              policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)})),
                "iam_role_policy", workload, name)
