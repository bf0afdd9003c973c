# Plan policy: no delete or replace of a protected resource unless the stack's decommission list allows it.
#
# landingzone writes that list beside each synthesized stack as decommission.custom.spacelift.json, which
# Spacelift passes in as input.third_party_metadata.custom.decommission. The Python gate
# (landingzone plan-check) implements the same rule; the tests run both on the same plans.
package spacelift

import rego.v1

protected := {
	"aws_organizations_organization": "the organization",
	"aws_organizations_organizational_unit": "an OU",
	"aws_organizations_account": "an AWS account",
	"aws_kms_key": "a KMS key",
	"aws_cloudwatch_log_group": "a log group",
	"aws_s3_bucket": "an S3 bucket",
	"aws_dynamodb_table": "a DynamoDB table",
	"aws_cloudtrail": "a CloudTrail trail",
	"aws_ec2_transit_gateway": "a Transit Gateway",
	"aws_vpc": "a VPC",
	# The bootstrap stack's deployer roles: without them no stack's provider can sign in to its account.
	"aws_cloudformation_stack_set": "the deployer roles' StackSet",
	"aws_cloudformation_stack_set_instance": "the deployer roles in the member accounts",
}

# Protected by address where the type also holds resources that may come and go (roles of workloads).
protected_addresses := {"aws_iam_role.iam_role_deployer": "the management account's deployer role"}

kind_of(change) := protected[change.type]

kind_of(change) := protected_addresses[change.address] if not protected[change.type]

deny contains msg if {
	some change in input.terraform.resource_changes
	kind := kind_of(change)
	object.get(change, "mode", "managed") == "managed"
	"delete" in change.change.actions
	not allowed(change.address)
	msg := sprintf(
		"%s (%s) would be %s; protected resources are deleted or replaced only with a decommission marker in the manifest",
		[change.address, kind, verb(change.change.actions)],
	)
}

verb(actions) := "replaced" if "create" in actions

verb(actions) := "deleted" if not "create" in actions

allowed(address) if {
	some pattern in object.get(input, ["third_party_metadata", "custom", "decommission", "allow"], [])
	glob.match(pattern, [], address)
}
