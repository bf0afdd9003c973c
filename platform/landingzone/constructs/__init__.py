"""One CDKTF construct per concern. Typed inputs only: nothing here reads YAML or knows the config layer."""
