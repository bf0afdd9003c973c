"""How stacks reach AWS: state backends and locking, `required_version`, providers per account and region with
that account's credentials only, the `bootstrap` stack (state bucket, deployer roles), and Spacelift: the `admin`
stack and `.spacelift/config.yml`.

`landingzone.stacks` asks this package for each stack's backend and providers; the CLI asks `spacelift_config`
(free of cdktf) to write the runtime configuration.
"""
