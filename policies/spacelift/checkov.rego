# Plan policy: fail the run on any checkov finding that no reviewed suppression covers.
#
# A run's before_init hooks (.spacelift/config.yml) run checkov on the run's own stack, with the suppressions of
# policies/checkov/suppressions.yaml applied, and write checkov.custom.spacelift.json into the project root;
# Spacelift hands it to plan policies as input.third_party_metadata.custom.checkov (its shape is documented in
# landingzone/gates/spacelift_input.py). Without that file the run fails too: a run whose hooks were skipped or
# broken must not pass as clean.
package spacelift

import rego.v1

checkov := input.third_party_metadata.custom.checkov

deny contains msg if {
	some finding in checkov.failed
	msg := sprintf(
		"checkov %s failed on %s in stack %s (from %s): %s; fix it, or suppress it with a reason in policies/checkov/suppressions.yaml",
		[finding.check_id, finding.address, finding.stack, finding.source, finding.message],
	)
}

deny contains "checkov reported nothing for this run (no checkov.custom.spacelift.json in the project root): the before_init hooks of .spacelift/config.yml did not run to the end" if {
	not checkov
}

deny contains msg if {
	checkov
	not input.spacelift.stack.id in object.get(checkov, "stacks", [])
	msg := sprintf("checkov's findings are for %v, not for this stack (%s): the hooks scanned the wrong stack", [object.get(checkov, "stacks", []), input.spacelift.stack.id])
}

warn contains msg if {
	some finding in checkov.suppressed
	msg := sprintf("checkov %s on %s is suppressed: %s", [finding.check_id, finding.address, finding.note])
}
