"""``isollm.validator:IsollmValidator``, the name ``check-jsonschema --validator-class`` is given.

The class lives in :mod:`isollm.schema.validator_class`; this module keeps the documented path.
"""

from isollm.schema.validator_class import IsollmValidator

__all__ = ["IsollmValidator"]
