"""Rasa NLU component: the deterministic safeguarding check decides the intent on risk.

It runs after the classifiers, on every message (mid-form too), and uses the same readable
pattern lists as the action server (`actions/safeguarding.py`, standard library only, so this
Python 3.10 environment can import it). On risk it sets the intent to `safeguarding_crisis` or
`safeguarding_urgent` with confidence 1.0, which rules route to the handoff. When the check
finds no risk but the classifier guessed a safeguarding intent (it learns them from a few
examples), the guess is replaced by `ask_question`: the hand-written check is the authority,
so a near-miss ("dying to know...") is answered, not escalated.

Two more deterministic corrections, because a wrong guess there loses what a parent typed:
`stop` and `delete_conversation` need their own words (stop, cancel, quit, never mind, delete,
forget...). The classifier once took an email address typed into the referral form for "stop";
without those words the guess becomes `nlu_fallback`, which the form reads as the answer to its
question (and which is treated as a question outside a form). A short message that is only a
cancel word ("cancel", "stop!", "never mind") is `stop` whatever the classifier said.

Button payloads ("/affirm") carry their intent already and are left alone.
"""

from __future__ import annotations

import re
from typing import Any

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
FALLBACK_INTENT = "nlu_fallback"
STOP_INTENT = "stop"
DELETE_INTENT = "delete_conversation"
_STOP_WORDS = re.compile(
    r"\b(stop|cancel\w*|quit|exit|end|never ?mind|nevermind|forget (it|that|this)|leave (it|this)|"
    r"no longer|don'?t want|do not want|not now|abort|finish|enough|scrap|changed? my mind|anymore|any more|"
    r"halt|forget about|back out|get me out|take me back|another time|later)\b", re.IGNORECASE)
_ONLY_STOP = re.compile(r"^\s*(stop|cancel|quit|exit|never ?mind|forget it|cancel (it|this|that|the form))\s*[.!]*\s*$", re.IGNORECASE)
_DELETE_WORDS = re.compile(r"\b(delet\w*|wipe|eras\w*|remov\w*|forget|clear\w*|get rid|keep)\b", re.IGNORECASE)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafeguardingOverride(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafeguardingOverride:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            assessment = assess(text)
            guessed = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if assessment.at_risk:
                name = CRISIS_INTENT if assessment.tier == "crisis" else URGENT_INTENT
                self._set_intent(message, name)
            elif guessed in SAFEGUARDING_INTENTS:
                self._set_intent(message, DEFAULT_INTENT)
            elif _ONLY_STOP.match(text):
                self._set_intent(message, STOP_INTENT)
            elif guessed == STOP_INTENT and not _STOP_WORDS.search(text) or guessed == DELETE_INTENT and not _DELETE_WORDS.search(text):
                self._set_intent(message, FALLBACK_INTENT)
        return messages

    @staticmethod
    def _set_intent(message: Message, name: str) -> None:
        intent = {INTENT_NAME_KEY: name, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
