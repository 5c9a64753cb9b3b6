"""Rasa NLU component: the deterministic safeguarding check decides the intent on risk.

It runs after the classifiers, on every message (mid-form too), and uses the same readable
pattern lists as the action server (`actions/safeguarding.py`, standard library only, so this
Python 3.10 environment can import it). On risk it sets the intent to `safeguarding_crisis` or
`safeguarding_urgent` with confidence 1.0, which rules route to the handoff. When the check
finds no risk but the classifier guessed a safeguarding intent (it learns them from a few
examples), the guess is replaced by `ask_question`: the hand-written check is the authority,
so a near-miss ("dying to know...") is answered, not escalated.

Button payloads ("/affirm") carry their intent already and are left alone.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.safeguarding import assess

CRISIS_INTENT = "safeguarding_crisis"
URGENT_INTENT = "safeguarding_urgent"
SAFEGUARDING_INTENTS = (CRISIS_INTENT, URGENT_INTENT)
DEFAULT_INTENT = "ask_question"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafeguardingOverride(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafeguardingOverride":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            assessment = assess(text)
            if assessment.at_risk:
                name = CRISIS_INTENT if assessment.tier == "crisis" else URGENT_INTENT
                self._set_intent(message, name)
            elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) in SAFEGUARDING_INTENTS:
                self._set_intent(message, DEFAULT_INTENT)
        return messages

    @staticmethod
    def _set_intent(message: Message, name: str) -> None:
        intent = {INTENT_NAME_KEY: name, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
