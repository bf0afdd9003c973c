# opa test policies/spacelift/plan-safety.rego policies/spacelift/plan-safety_test.rego
package spacelift

import rego.v1

change(type, address, actions) := {"type": type, "address": address, "mode": "managed", "change": {"actions": actions}}

test_deleting_a_protected_bucket_is_denied if {
	msgs := deny with input as {"terraform": {"resource_changes": [change("aws_s3_bucket", "aws_s3_bucket.logs", ["delete"])]}}
	msgs == {"aws_s3_bucket.logs (an S3 bucket) would be deleted; protected resources are deleted or replaced only with a decommission marker in the manifest"}
}

test_replacing_a_kms_key_is_denied_as_a_replacement if {
	some msg in deny with input as {"terraform": {"resource_changes": [change("aws_kms_key", "aws_kms_key.data", ["delete", "create"])]}}
	contains(msg, "would be replaced")
}

test_the_deployer_role_is_protected_by_address_only if {
	count(deny) == 1 with input as {"terraform": {"resource_changes": [
		change("aws_iam_role", "aws_iam_role.iam_role_deployer", ["delete"]),
		change("aws_iam_role", "aws_iam_role.workload", ["delete"]),
	]}}
}

test_a_decommission_marker_allows_the_delete if {
	count(deny) == 0 with input as {
		"terraform": {"resource_changes": [change("aws_organizations_account", "aws_organizations_account.account_old", ["delete"])]},
		"third_party_metadata": {"custom": {"decommission": {"allow": ["aws_organizations_account.account_*"]}}},
	}
}

test_updates_and_data_sources_pass if {
	count(deny) == 0 with input as {"terraform": {"resource_changes": [
		change("aws_s3_bucket", "aws_s3_bucket.logs", ["update"]),
		{"type": "aws_vpc", "address": "data.aws_vpc.hub", "mode": "data", "change": {"actions": ["delete"]}},
	]}}
}
