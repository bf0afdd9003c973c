"""The AI services opt-out policy: the `ai_services_opt_out:` section of `config/organization.yaml`, the document
AWS Organizations stores for it, and which accounts it covers.

AWS AI services (Transcribe, Rekognition, Comprehend, Lex and others) may store and use the content they process
to improve AWS services unless the organization opts out. An opt-out policy is a management policy: it applies to
the management account too, and `@@operators_allowed_for_child_policies: ["@@none"]` keeps OU and account
policies from opting back in.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from landingzone.config.types import Strict, Targets

POLICY_NAME = "ai-services-opt-out"
Setting = Literal["opt_out", "opt_in"]
_AWS_VALUE = {"opt_out": "optOut", "opt_in": "optIn"}  # AWS's values are case-sensitive

# Service key names of the opt-out policy, for telling a typo (`transcibe`) from a service AWS added later.
# Source: AWS Organizations User Guide, "AI services opt-out policy syntax and examples", the services element
# (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_syntax.html), read
# 2026-12-01. `default` stands for every AI service, those added later included.
AI_SERVICES = ("aidevops", "aiops", "awssupplychain", "chimesdkvoiceanalytics", "cloudwatch", "codeguruprofiler",
               "codewhisperer", "comprehend", "connectamd", "connectoptimization", "contactlens", "datazone",
               "frauddetector", "guardduty", "lex", "polly", "quicksightq", "rekognition", "securitylake",
               "textract", "transcribe", "translate")

ServiceKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]{1,63}$")]


class AiServicesOptOut(Strict):
    """Whether AWS AI services may use the organization's content to improve AWS services.

    ```yaml
    ai_services_opt_out:
      default: opt_out              # every AI service, those AWS adds later included
      services: {rekognition: opt_in}
      children_may_override: false
      attach_to: {root: true}
    ```
    """

    enabled: bool = Field(default=True, description="false: no opt-out policy, and AWS AI services may store and "
                          "use what they process to improve AWS services. Left out: true.")
    default: Setting = Field(default="opt_out", description="The setting of every AI service the policy does not "
                             "name, including those AWS adds later. Left out: opt_out.")
    services: dict[ServiceKey, Setting] = Field(
        default_factory=dict, description="Services set otherwise than `default`, by the policy's key name "
        "(transcribe, rekognition, comprehend, ...). Left out: none.")
    children_may_override: bool = Field(default=False, description="Whether policies attached to OUs or accounts "
                                        "below may change these settings. Left out: false.")
    attach_to: Targets = Field(default=Targets(root=True), description="Where the policy is attached. Left out: "
                               "Root, which covers every account, the management account included.")

    def setting(self, service: str, ou: str, account: str) -> Setting | None:
        """What the policy sets for `service` in `account` (in OU path `ou`); None where it does not apply."""
        if not self.enabled or not self.attach_to.covers(ou, account):
            return None
        return self.services.get(service, self.default)


def opt_out_document(policy: AiServicesOptOut) -> str:
    """The policy as AWS stores it: `default` and each named service, locked unless children may override."""
    locked: dict[str, object] = {} if policy.children_may_override else {
        "@@operators_allowed_for_child_policies": ["@@none"]}

    def entry(value: Setting) -> dict[str, object]:
        return {**locked, "opt_out_policy": {**locked, "@@assign": _AWS_VALUE[value]}}

    services = {**locked, "default": entry(policy.default),
                **{name: entry(value) for name, value in sorted(policy.services.items())}}
    return json.dumps({"services": services}, separators=(",", ":"))
