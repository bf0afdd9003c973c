"""IAM's centralized root access for the organization's member accounts."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.iam_organizations_features import IamOrganizationsFeatures
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part

# Accounts created from now on get no root credentials, and root tasks (unlocking a bucket policy that locks
# everyone out, say) are done from the management account with sts:AssumeRoot, a session limited to that task.
FEATURES = ("RootCredentialsManagement", "RootSessions")


class CentralizedRootAccess(Part):
    """Turned on in the management account, once the organization trusts `iam.amazonaws.com`. Members that
    already have a root password keep it until it is deleted from the management account (see the README)."""

    def __init__(self, scope: Construct, id_: str, *, depends_on: Sequence[ITerraformDependable] = ()) -> None:
        super().__init__(scope, id_)
        pin(IamOrganizationsFeatures(self, "features", enabled_features=list(FEATURES),
                                     depends_on=list(depends_on) or None), "iam_organizations_features", "root_access")
