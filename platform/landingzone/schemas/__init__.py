"""What editors and people get from the models: JSON Schemas of every file kind and the configuration reference.

Generated from `landingzone.config`'s pydantic models, so validation, completion in editors and the docs
always say the same thing; nothing here imports cdktf.
"""

from landingzone.schemas.catalog import MODELINE, SCHEMA_DIR, ConfigFile, config_files, modeline, schema_for
from landingzone.schemas.json_schema import build_schema, render_schemas

__all__ = ["MODELINE", "SCHEMA_DIR", "ConfigFile", "build_schema", "config_files", "modeline", "render_schemas",
           "schema_for"]
