"""``isollm.validator:IsollmValidator``, for ``check-jsonschema --validator-class``: Draft 2020-12 with
the ``hostPortsDistinct`` keyword, the toolkit's formats (``date-time`` as Go writes it, whatever format
checker the caller passes) and ECMA-262 ``pattern`` semantics (``$`` is the end of the string).
"""

from isollm.schema.explain import IsollmValidator

__all__ = ["IsollmValidator"]
