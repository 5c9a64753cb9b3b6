"""Rasa graph components of the assistant, loaded by the Rasa server (Python 3.10).

Importing this package also applies one behaviour-preserving speed-up to Rasa itself: Rasa 3.6
checks every action-server reply with `jsonschema.validate`, which first validates the (fixed)
schema against its meta-schema on every call, about 20 ms of CPU per turn on this machine
(docs/benchmarks.md, "Dialogue"). The same check runs here with a validator built once.
"""

from __future__ import annotations

from functools import lru_cache


def _cache_action_reply_validation() -> None:
    import json

    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    @lru_cache(maxsize=4)
    def validator(spec_json: str):
        spec = json.loads(spec_json)
        cls = validator_for(spec)
        cls.check_schema(spec)  # once, instead of on every reply
        return cls(spec)

    spec_json = json.dumps(RemoteAction.action_response_format_spec(), sort_keys=True)
    original = RemoteAction._validate_action_result

    def validate_action_result(self, result):
        try:
            validator(spec_json).validate(result)
            return True
        except ValidationError:
            return original(self, result)  # Rasa's own error message and handling

    RemoteAction._validate_action_result = validate_action_result


try:
    _cache_action_reply_validation()
except ImportError:  # imported outside the Rasa environment (the action server's tests)
    pass
