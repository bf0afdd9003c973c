"""How stacks reach AWS: state backends and locking, `required_version`, providers per account and region with
that account's credentials only, and the `bootstrap` stack (state bucket, deployer roles).

`landingzone.stacks` asks this package for each stack's backend and providers; nothing else imports it.
"""
