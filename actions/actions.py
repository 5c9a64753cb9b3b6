"""Rasa SDK actions: thin adapters from the dialogue to the modules that do the work.

Every message goes out through `send()`, so each carries its `custom` payload (status,
sources). Every action runs inside `guarded()`: if anything fails, the parent gets a plain
message with the SPA's phone and email instead of silence. Nothing here logs message text.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import (
    ActiveLoop,
    AllSlotsReset,
    EventType,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import statuses, validation
from actions.answer import Answerer, Composed
from actions.council import CouncilInfo, load_council
from actions.oap import ANY, guided_answer, need_buttons, parse_need, parse_phase, phase_buttons
from actions.referral import CONSENT_WORDING, Referral, ReferralClient, ReferralOutbox
from actions.replies import FEEDBACK_BUTTONS, NO_THANKS, REFER_ME, TALK_TO_SOMEONE, Reply
from actions.safeguarding import Assessment, assess
from actions.scrub import install_log_scrubbing, scrub
from actions.services import ServiceFinder
from actions.settings import Settings
from actions.signals import referral_signals

log = logging.getLogger("actions")
install_log_scrubbing()

REFERRAL_SLOTS = (
    "referral_consent", "parent_name", "contact_method", "contact_value", "child_age",
    "school_setting", "concern_summary", "urgency", "referral_confirmed",
)
DETAIL_SLOTS = REFERRAL_SLOTS[1:-1]
OAP_SLOTS = ("child_phase", "need_area")
QUESTION_INTENTS = {"ask_question", "nlu_fallback", "what_should_child_get", "find_service",
                    "safeguarding_crisis", "safeguarding_urgent", "request_human", "define_term"}
MAX_DRAFT_CHARS = 600
NOT_GIVEN = "not given"
SKIP_WORDS = {"skip", "none", "no", "n/a", "na", "not in school", "not at school", "-", "nothing", "pass"}
AFFIRM_WORDS = {"yes", "y", "yeah", "yep", "ok", "okay", "keep", "keep it", "that's right", "thats right",
                "correct", "fine", "that's fine", "thats fine", "/affirm", "looks good", "yes please"}


# ----- shared runtime -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


@lru_cache(maxsize=1)
def council_info() -> CouncilInfo:
    return load_council(settings().contacts_path)


@lru_cache(maxsize=1)
def glossary():
    from actions.glossary import Glossary

    return Glossary.load()


@lru_cache(maxsize=1)
def answerer() -> Answerer:
    from knowledge_base.retriever import Retriever

    return Answerer(Retriever.open(settings().index_path), council_info(), glossary())


@lru_cache(maxsize=1)
def service_finder() -> ServiceFinder:
    return ServiceFinder(answerer())


@lru_cache(maxsize=1)
def referral_client() -> ReferralClient:
    s = settings()
    return ReferralClient(ReferralOutbox(s.outbox_path), s.referral_url, s.referral_secret)


def warm_up() -> None:
    """Load the index, the model and the glossary before the first parent waits for them."""
    answerer().search("ordinarily available provision", None)
    service_finder()


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None, json_message=reply.custom())


def error_reply() -> Reply:
    c = council_info()
    return Reply(
        text=(
            "Sorry, something went wrong on our side and I can't answer just now. "
            f"You can contact {c.spa.name} instead: {c.spa.line()}. "
            "If a child is in danger, call 999."
        ),
        status=statuses.ERROR,
        extra={"contacts": [c.spa.to_json()]},
    )


def guarded(name: str, run: Callable[[], list[EventType]], dispatcher: CollectingDispatcher) -> list[EventType]:
    started = time.perf_counter()
    try:
        events = run()
        outcome = "ok"
    except Exception:  # the parent must get an answer whatever failed
        log.exception("action %s failed", name)
        send(dispatcher, error_reply())
        events, outcome = [], "error"
    log.info("action=%s outcome=%s ms=%.1f", name, outcome, (time.perf_counter() - started) * 1000)
    return events


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "")[: settings().max_message_chars]


def council_filter(tracker: Tracker) -> str | None:
    return settings().council or tracker.get_slot("council")


def councils_in_index() -> list[str]:
    return sorted(answerer().councils)


def needs_council_choice(tracker: Tracker) -> bool:
    return council_filter(tracker) is None and len(councils_in_index()) > 1


def ask_council(dispatcher: CollectingDispatcher, question: str) -> list[EventType]:
    names = answerer().councils
    send(dispatcher, Reply(
        text="Which council's local offer should I look in?",
        status=statuses.ASKING_COUNCIL,
        buttons=[{"title": names[k], "payload": f'/choose_council{{"council":"{k}"}}'} for k in councils_in_index()],
    ))
    return [SlotSet("pending_question", question)]


def changed(tracker: Tracker, **values) -> list[EventType]:
    """SlotSet events only for values that differ: every stored event costs later turns time."""
    return [SlotSet(name, value) for name, value in values.items() if tracker.get_slot(name) != value]


# Rasa reloads and replays every stored event of the current session on each turn, so a long
# conversation (a parent champion looking many things up) slows down turn by turn
# (docs/benchmarks.md, "Dialogue"). Past this many events, and never inside a form, an answer
# starts a new session with every slot carried over: the SQL tracker store then loads only the
# events since that start.
ROLLOVER_EVENTS = int(os.environ.get("LOCAL_OFFER_ROLLOVER_EVENTS", "100"))
NOT_CARRIED = {"requested_slot"}


def with_session_rollover(tracker: Tracker, events: list[EventType], explained: set[str] = frozenset()) -> list[EventType]:
    """``explained``: the terms this reply spelled out (its bot message is stored before
    ``events``, so before the new session starts)."""
    if len(tracker.events) < ROLLOVER_EVENTS or tracker.active_loop.get("name"):
        return events
    slots = {name: value for name, value in tracker.slots.items() if name not in NOT_CARRIED}
    for event in events:
        if event.get("event") == "slot" and event["name"] not in NOT_CARRIED:
            slots[event["name"]] = event["value"]
    # the new session's events will not hold the earlier replies: carry what they explained
    slots["expanded_terms"] = sorted(explained_so_far(tracker) | set(explained)) or None
    log.info("session rollover after %d events", len(tracker.events))
    return [*events, SessionStarted(), *[SlotSet(name, value) for name, value in slots.items() if value is not None]]


def reply_events(reply: Reply, tracker: Tracker | None = None) -> list[EventType]:
    """The slot a reply changes: only ``offer`` (what "yes" would accept). The reply's status and
    the terms it explained are in its own stored message (``custom``), read back by
    ``last_reply_status`` and ``explained_so_far``: no slot event needed for them."""
    if tracker is None:
        return [SlotSet("offer", reply.extra.get("offer"))]
    return changed(tracker, offer=reply.extra.get("offer"))


def _bot_customs(events: Iterable[dict]):
    for event in events:
        if event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom")
            if isinstance(custom, dict):
                yield custom


def last_reply_status(tracker: Tracker) -> str | None:
    """The status of the assistant's latest message in this session."""
    return next((c["status"] for c in _bot_customs(reversed(tracker.events)) if c.get("status")), None)


def explained_so_far(tracker: Tracker) -> set[str]:
    """Terms already spelled out to this parent: those the session's replies list as
    ``explained``, and those carried over a session rollover (the ``expanded_terms`` slot)."""
    done = set(tracker.get_slot("expanded_terms") or [])
    for custom in _bot_customs(tracker.events):
        done.update(custom.get("explained") or [])
    return done


def with_explained(reply: Reply, explained: set[str]) -> Reply:
    if explained:
        reply.extra["explained"] = sorted(explained)
    return reply


def compose_answer(question: str, tracker: Tracker) -> tuple[Composed, set[str]]:
    """The council's documents' answer, jargon spelled out only where this conversation has not
    had it yet; returns it with the terms it spelled out (also in its ``custom.explained``)."""
    already = explained_so_far(tracker)
    composed = answerer().answer(question, council=council_filter(tracker), already_expanded=already)
    explained = composed.expanded_terms - already
    with_explained(composed.reply, explained)
    return composed, explained


# Events after which the policies, not this action, must choose what comes next.
_STEERING_EVENTS = {"active_loop", "followup", "restart", "rewind", "action_reverted", "reset_slots"}


def then_listen(events: list[EventType]) -> list[EventType]:
    """An answer, definition or service list ends the assistant's turn: say so (a follow-up
    `action_listen`), so that Rasa need not run its policies again only to predict listening.
    Every rule and story waits for the parent after these actions; a reply that starts a form
    or a hand-off leaves the choice to the policies."""
    if any(event.get("event") in _STEERING_EVENTS for event in events):
        return events
    return [*events, FollowupAction("action_listen")]


def form_reset(slots: tuple[str, ...]) -> list[EventType]:
    return [SlotSet(name, None) for name in slots] + [SlotSet("requested_slot", None)]


def skip_cleared(validate: Callable) -> Callable:
    """A slot cleared to None (a fresh form, "change something") is not an answer to check."""
    slot = validate.__name__.removeprefix("validate_")

    def wrapper(self, value, dispatcher, tracker, domain):
        if value is None:
            return {slot: None}
        return validate(self, value, dispatcher, tracker, domain)

    wrapper.__name__ = validate.__name__
    return wrapper


# ----- answers ----------------------------------------------------------------------------------

def answer_question(question: str, tracker: Tracker, dispatcher: CollectingDispatcher) -> list[EventType]:
    risk = assess(question)
    if risk.at_risk:  # a second check: no knowledge-base answer is ever given to a risky message
        return handoff(risk, tracker, dispatcher)
    if needs_council_choice(tracker):
        return ask_council(dispatcher, question)
    composed, explained = compose_answer(question, tracker)
    send(dispatcher, composed.reply)
    log.info("answer status=%s timings=%s", composed.reply.status,
             {k: round(v, 1) for k, v in composed.timings_ms.items()})
    return with_session_rollover(tracker, reply_events(composed.reply, tracker), explained)


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    def run(self, dispatcher, tracker, domain):
        return then_listen(guarded(self.name(), lambda: answer_question(latest_text(tracker), tracker, dispatcher), dispatcher))


class ActionCoreFallback(Action):
    """When no rule knows what comes next: treat the message as a question, then listen.

    Reverting the user's turn (as Rasa's own fallback does) stops the policies from predicting
    this action again and again for a state they have never seen.
    """

    def name(self) -> str:
        return "action_core_fallback"

    def run(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        events = guarded(self.name(), lambda: answer_question(text, tracker, dispatcher), dispatcher)
        return [*events, UserUtteranceReverted()]


class ActionDefineTerm(Action):
    """The glossary's plain-English definition, and what the council's documents say about it.

    The definition is the assistant's own (labelled as such); when the documents also explain
    the term, their sentences and sources follow and the status is `answered`.
    """

    def name(self) -> str:
        return "action_define_term"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            text = latest_text(tracker)
            risk = assess(text)
            if risk.at_risk:
                return handoff(risk, tracker, dispatcher)
            term = glossary().lookup(text)
            if term is None:
                return answer_question(text, tracker, dispatcher)
            definition = f"{glossary().answer(term)}\n(From the assistant's glossary of SEND words.)"
            before = explained_so_far(tracker)
            already = before | {term.term}
            composed = None
            if not needs_council_choice(tracker):
                composed = answerer().answer(text, council=council_filter(tracker), already_expanded=already)
            if composed is not None and composed.reply.status in (statuses.ANSWERED, statuses.ANSWERED_OFFER_REFERRAL):
                reply = composed.reply
                reply.text = f"{definition}\n\n{reply.text}"
                reply.extra["term"] = term.term
                already |= composed.expanded_terms
            else:
                reply = Reply(text=definition, status=statuses.GLOSSARY, buttons=list(FEEDBACK_BUTTONS),
                              extra={"term": term.term})
            explained = already - before
            send(dispatcher, with_explained(reply, explained))
            return with_session_rollover(tracker, reply_events(reply, tracker), explained)

        return then_listen(guarded(self.name(), run, dispatcher))


class ActionFindService(Action):
    def name(self) -> str:
        return "action_find_service"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            text = latest_text(tracker)
            if needs_council_choice(tracker):
                return ask_council(dispatcher, text)
            reply = service_finder().find(text, council=council_filter(tracker))
            if reply.status == statuses.NOT_IN_DOCUMENTS:
                return answer_question(text, tracker, dispatcher)  # no directory entry: the pages may answer
            send(dispatcher, reply)
            return with_session_rollover(tracker, reply_events(reply, tracker))

        return then_listen(guarded(self.name(), run, dispatcher))


class ActionChooseCouncil(Action):
    def name(self) -> str:
        return "action_choose_council"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            chosen = tracker.get_slot("council") or ""
            text = latest_text(tracker).lower()
            known = councils_in_index()
            if chosen not in known:
                chosen = next((k for k in known if k in text), "")
            if not chosen:
                return ask_council(dispatcher, tracker.get_slot("pending_question") or "")
            events: list[EventType] = [SlotSet("council", chosen), SlotSet("pending_question", None)]
            pending = tracker.get_slot("pending_question")
            if pending:
                tracker.slots["council"] = chosen
                return events + answer_question(pending, tracker, dispatcher)
            name = answerer().councils[chosen]
            send(dispatcher, Reply(text=f"Thank you. I'll look in {name}'s local offer. What would you like to know?",
                                   status=statuses.SMALLTALK))
            return events

        return guarded(self.name(), run, dispatcher)


# ----- "what should my child get?" ---------------------------------------------------------------

class ActionPrepareOap(Action):
    """Fill what the first message already says (age, need) so the flow asks only the rest.

    When the message already names the phase or the need ("my 6 year old struggles with
    reading"), the answer comes at once for what it says (the rest taken as "any"), with
    buttons to narrow it down: a parent is not asked what they have just said.
    """

    def name(self) -> str:
        return "action_prepare_oap"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            text = latest_text(tracker)
            phase = parse_phase(text)
            need = parse_need(text)
            phase = phase if phase not in (None, ANY) else None
            need = need if need not in (None, ANY) else None
            if phase or need:
                phase, need = phase or ANY, need or ANY
            return [SlotSet("child_phase", phase), SlotSet("need_area", need), SlotSet("last_question", text)]

        return guarded(self.name(), run, dispatcher)


class ActionAskChildPhase(Action):
    def name(self) -> str:
        return "action_ask_child_phase"

    def run(self, dispatcher, tracker, domain):
        send(dispatcher, Reply(
            text="I can tell you what schools should normally provide. First, how old is your child, "
                 "or which stage are they at? You can skip this.",
            status=statuses.GUIDED_QUESTION, buttons=phase_buttons(), extra={"step": "child_phase"},
        ))
        return []


class ActionAskNeedArea(Action):
    def name(self) -> str:
        return "action_ask_need_area"

    def run(self, dispatcher, tracker, domain):
        send(dispatcher, Reply(
            text="What does your child find hardest? Choose the closest, or skip.",
            status=statuses.GUIDED_QUESTION, buttons=need_buttons(), extra={"step": "need_area"},
        ))
        return []


class ValidateOapForm(FormValidationAction):
    def name(self) -> str:
        return "validate_oap_form"

    @skip_cleared
    def validate_child_phase(self, slot_value: Any, dispatcher, tracker, domain: DomainDict) -> dict:
        phase = parse_phase(str(slot_value or ""))
        if phase is None:
            send(dispatcher, Reply(text="Sorry, I didn't catch that. You can type your child's age, "
                                        "their school year, or press Skip.",
                                   status=statuses.GUIDED_QUESTION, extra={"step": "child_phase", "invalid": True}))
        return {"child_phase": phase}

    @skip_cleared
    def validate_need_area(self, slot_value: Any, dispatcher, tracker, domain: DomainDict) -> dict:
        need = parse_need(str(slot_value or ""))
        if need is None:
            send(dispatcher, Reply(text="Sorry, I didn't catch that. Choose one of the options, "
                                        "describe it in a few words, or press Skip.",
                                   status=statuses.GUIDED_QUESTION, extra={"step": "need_area", "invalid": True}))
        return {"need_area": need}


class ActionOapAnswer(Action):
    def name(self) -> str:
        return "action_oap_answer"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            phase = tracker.get_slot("child_phase")
            need = tracker.get_slot("need_area")
            question = tracker.get_slot("last_question") or ""
            reply = guided_answer(answerer(), None if phase == ANY else phase, None if need == ANY else need,
                                  council=council_filter(tracker))
            if reply.status == statuses.NOT_IN_DOCUMENTS and question:
                # no ordinarily-available-provision guidance here: answer the question as asked
                events = answer_question(question, tracker, dispatcher)
                return [*events, *[SlotSet(s, None) for s in OAP_SLOTS]]
            offer = referral_signals(question)
            if offer and reply.status == statuses.ANSWERED:
                c = council_info()
                reply.status = statuses.ANSWERED_OFFER_REFERRAL
                reply.text += (f"\n\nIt sounds as if the help your child needs may not be in place. I can ask "
                               f"{c.name}'s {c.spa.name} to contact you about it. Would you like that?")
                reply.buttons = [REFER_ME, *reply.buttons]
                reply.extra.update({"offer": "referral", "referral_signals": offer})
            send(dispatcher, reply)
            return [*reply_events(reply, tracker), *[SlotSet(s, None) for s in OAP_SLOTS]]

        return guarded(self.name(), run, dispatcher)


# ----- people: safeguarding, contacts -----------------------------------------------------------

def handoff(risk: Assessment, tracker: Tracker, dispatcher: CollectingDispatcher) -> list[EventType]:
    c = council_info()
    if risk.tier == "crisis":
        lines = [
            ("I'm so sorry you're dealing with this. What you've told me sounds serious, and you "
             "don't have to handle it on your own. Please talk to a person now."),
            "If anyone is in immediate danger, call 999.",
            *[f"- {line.name}: {line.phone} ({line.description})" for line in c.crisis_lines],
            f"- {c.front_door.line()}. {c.front_door.description}",
            "",
            (f"Would you like someone from {c.name}'s SEND team to contact you as a priority? "
             "I'll only share what you agree to."),
        ]
        extra = {"crisis_lines": [line.to_json() for line in c.crisis_lines],
                 "contacts": [c.front_door.to_json(), c.spa.to_json()]}
    else:
        lines = [
            ("Thank you for telling me. This sounds like something a person should help you with "
             "today, rather than information from documents."),
            f"- {c.spa.line()}",
            f"- {c.sendiass.line()}. Free, impartial and confidential advice.",
            "",
            "Would you like me to ask the SPA team to contact you today?",
        ]
        extra = {"contacts": [c.spa.to_json(), c.sendiass.to_json()]}
    reply = Reply(
        text="\n".join(lines),
        status=statuses.HANDED_OFF,
        buttons=[{"title": "Yes, please contact me", "payload": "/start_referral"}, NO_THANKS],
        extra={**extra, "handoff": {"tier": risk.tier, "category": risk.category}, "offer": "referral"},
    )
    send(dispatcher, reply)
    log.info("handoff tier=%s category=%s rules=%s", risk.tier, risk.category, ",".join(risk.rules))
    events: list[EventType] = [
        *reply_events(reply, tracker),
        SlotSet("handoff_tier", risk.tier),
        SlotSet("urgency_hint", "urgent"),
        SlotSet("concern_draft", concern_draft(tracker)),
    ]
    if tracker.active_loop.get("name"):
        events = [*form_reset(REFERRAL_SLOTS + OAP_SLOTS), *events]
    return [ActiveLoop(None), *events]  # whatever was running stops


class ActionSafeguardingHandoff(Action):
    def name(self) -> str:
        return "action_safeguarding_handoff"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            risk = assess(latest_text(tracker))
            if not risk.at_risk:  # routed here by the classifier alone: still a person is offered
                intent = (tracker.latest_message.get("intent") or {}).get("name")
                tier = "crisis" if intent == "safeguarding_crisis" else "urgent"
                risk = Assessment(tier, "classifier", ("classifier",))
            return handoff(risk, tracker, dispatcher)

        return guarded(self.name(), run, dispatcher)


class ActionHumanContacts(Action):
    def name(self) -> str:
        return "action_human_contacts"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            text = latest_text(tracker)
            if looks_like_send_question(text) and not PERSON_WORDS.search(text):
                return answer_question(text, tracker, dispatcher)
            c = council_info()
            reply = Reply(
                text="\n".join([
                    "You can talk to a person here:",
                    f"- {c.spa.line()}. {c.spa.description}",
                    f"- {c.sendiass.line()}. Free, impartial and confidential advice.",
                    "",
                    "Or I can ask the SPA team to contact you. Would you like that?",
                ]),
                status=statuses.HUMAN_CONTACTS,
                buttons=[REFER_ME, NO_THANKS],
                extra={"contacts": [c.spa.to_json(), c.sendiass.to_json()], "offer": "referral"},
            )
            send(dispatcher, reply)
            return reply_events(reply, tracker)

        return guarded(self.name(), run, dispatcher)


# ----- the SPA referral -------------------------------------------------------------------------

def concern_draft(tracker: Tracker) -> str:
    """The parent's own recent questions, as the editable starting point of the summary."""
    messages = []
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        text = (event.get("text") or "").strip()
        if intent in QUESTION_INTENTS and text and not text.startswith("/"):
            messages.append(text)
    draft = " ".join(m if m[-1] in ".?!" else f"{m}." for m in messages[-3:])
    return draft[:MAX_DRAFT_CHARS]


class ActionPrepareReferral(Action):
    def name(self) -> str:
        return "action_prepare_referral"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            draft = tracker.get_slot("concern_draft") or concern_draft(tracker)
            urgent = tracker.get_slot("urgency_hint") == "urgent"
            return [
                *[SlotSet(name, None) for name in REFERRAL_SLOTS if tracker.get_slot(name) is not None],
                SlotSet("concern_draft", draft or None),
                SlotSet("urgency", "urgent" if urgent else None),
                SlotSet("offer", None),
            ]

        return guarded(self.name(), run, dispatcher)


# What the widget's message box should be for each step of the referral form: its label, and
# the browser's autocomplete and on-screen keyboard hints (HTML `autocomplete`, `inputmode`).
INPUT_HINTS = {
    "parent_name": {"label": "Your name", "autocomplete": "name", "inputmode": "text"},
    "contact_method": {"label": "Phone or email", "autocomplete": "off", "inputmode": "text"},
    "contact_value:phone": {"label": "Your phone number", "autocomplete": "tel", "inputmode": "tel"},
    "contact_value:email": {"label": "Your email address", "autocomplete": "email", "inputmode": "email"},
    "child_age": {"label": "Your child's age or school year", "autocomplete": "off", "inputmode": "text"},
    "school_setting": {"label": "School, nursery or college", "autocomplete": "off", "inputmode": "text"},
    "concern_summary": {"label": "What you'd like help with", "autocomplete": "off", "inputmode": "text"},
    "urgency": {"label": "How soon you need to hear back", "autocomplete": "off", "inputmode": "text"},
}


def input_hint(step: str, tracker: Tracker | None) -> dict | None:
    if step == "contact_value":
        method = tracker.get_slot("contact_method") if tracker is not None else None
        step = f"contact_value:{'email' if method == 'email' else 'phone'}"
    return INPUT_HINTS.get(step)


def _ask(dispatcher: CollectingDispatcher, text: str, step: str, buttons: list[dict] | None = None,
         status: str = statuses.REFERRAL_IN_PROGRESS, tracker: Tracker | None = None) -> list[EventType]:
    cancel = {"title": "Cancel", "payload": "/stop"}
    extra = {"step": step}
    if hint := input_hint(step, tracker):
        extra["input"] = hint
    send(dispatcher, Reply(text=text, status=status, buttons=[*(buttons or []), cancel], extra=extra))
    return []


class ActionAskReferralConsent(Action):
    def name(self) -> str:
        return "action_ask_referral_consent"

    def run(self, dispatcher, tracker, domain):
        c = council_info()
        return _ask(
            dispatcher,
            f"I can pass your details to {c.spa.name} at {c.name}, and they will contact you. "
            "To do that, I'll share your name, how to contact you, your child's age and school, a "
            "short summary of your concern and this conversation with the SPA team, and no one "
            "else. They keep it only as long as they need it. Is that OK? You can say 'cancel' at any time.",
            "referral_consent",
            [{"title": "Yes, that's OK", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
            status=statuses.REFERRAL_STARTED,
        )


class ActionAskParentName(Action):
    def name(self) -> str:
        return "action_ask_parent_name"

    def run(self, dispatcher, tracker, domain):
        return _ask(dispatcher, "Thank you. What's your name?", "parent_name")


class ActionAskContactMethod(Action):
    def name(self) -> str:
        return "action_ask_contact_method"

    def run(self, dispatcher, tracker, domain):
        return _ask(dispatcher, "How would you like the team to contact you?", "contact_method",
                    [{"title": "Phone", "payload": "phone"}, {"title": "Email", "payload": "email"}])


class ActionAskContactValue(Action):
    def name(self) -> str:
        return "action_ask_contact_value"

    def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("contact_method") == "email":
            return _ask(dispatcher, "What's your email address?", "contact_value", tracker=tracker)
        return _ask(dispatcher, "What's the best phone number to reach you on?", "contact_value", tracker=tracker)


class ActionAskChildAge(Action):
    def name(self) -> str:
        return "action_ask_child_age"

    def run(self, dispatcher, tracker, domain):
        return _ask(dispatcher, "How old is your child, or what school year are they in?", "child_age")


class ActionAskSchoolSetting(Action):
    def name(self) -> str:
        return "action_ask_school_setting"

    def run(self, dispatcher, tracker, domain):
        return _ask(dispatcher, "Which school, nursery or college do they go to? You can skip this.",
                    "school_setting", [{"title": "Skip", "payload": "skip"}])


class ActionAskConcernSummary(Action):
    def name(self) -> str:
        return "action_ask_concern_summary"

    def run(self, dispatcher, tracker, domain):
        draft = tracker.get_slot("concern_draft")
        if draft:
            return _ask(dispatcher, f'Here is a summary from what you\'ve told me:\n"{draft}"\n'
                                    "Reply 'yes' to use it, or type your own summary.", "concern_summary",
                        [{"title": "Use this summary", "payload": "yes"}])
        return _ask(dispatcher, "In a few sentences, what would you like the team to help with?", "concern_summary")


class ActionAskUrgency(Action):
    def name(self) -> str:
        return "action_ask_urgency"

    def run(self, dispatcher, tracker, domain):
        return _ask(dispatcher, "How soon do you need to hear from the team?", "urgency", [
            {"title": "Urgent: today or tomorrow", "payload": "urgent"},
            {"title": "Soon: this week", "payload": "soon"},
            {"title": "It can wait", "payload": "routine"},
        ])


def referral_readback(tracker: Tracker) -> str:
    urgency = {"urgent": "urgent (today or tomorrow)", "soon": "soon (this week)", "routine": "it can wait"}
    return "\n".join([
        "Please check these details:",
        f"- Your name: {tracker.get_slot('parent_name')}",
        f"- Contact by {tracker.get_slot('contact_method')}: {tracker.get_slot('contact_value')}",
        f"- Your child: {tracker.get_slot('child_age')}",
        f"- School or setting: {tracker.get_slot('school_setting')}",
        f"- Your concern: {tracker.get_slot('concern_summary')}",
        f"- How soon: {urgency.get(tracker.get_slot('urgency') or '', tracker.get_slot('urgency'))}",
        "",
        "Shall I send this to the SPA team?",
    ])


class ActionAskReferralConfirmed(Action):
    def name(self) -> str:
        return "action_ask_referral_confirmed"

    def run(self, dispatcher, tracker, domain):
        return _ask(dispatcher, referral_readback(tracker), "referral_confirmed",
                    [{"title": "Yes, send it", "payload": "/affirm"}, {"title": "No, change something", "payload": "/deny"}])


def _reask(dispatcher: CollectingDispatcher, slot: str, text: str, tracker: Tracker | None = None) -> dict:
    extra = {"step": slot, "invalid": True}
    if hint := input_hint(slot, tracker):
        extra["input"] = hint
    send(dispatcher, Reply(text=text, status=statuses.REFERRAL_IN_PROGRESS, extra=extra))
    return {slot: None}


class ValidateReferralForm(FormValidationAction):
    def name(self) -> str:
        return "validate_referral_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        if tracker.get_slot("referral_consent") is False:
            return ["referral_consent"]  # filled: the form ends and nothing is sent
        return list(domain_slots)

    @skip_cleared
    def validate_parent_name(self, value, dispatcher, tracker, domain):
        name = validation.parse_name(str(value or ""))
        if name is None:
            return _reask(dispatcher, "parent_name", "Sorry, I didn't catch your name. Please type the name "
                                                     "the team should ask for.")
        return {"parent_name": name}

    @skip_cleared
    def validate_contact_method(self, value, dispatcher, tracker, domain):
        method = validation.parse_contact_preference(str(value or ""))
        if method is None:
            return _reask(dispatcher, "contact_method", "Please choose phone or email.")
        return {"contact_method": method}

    @skip_cleared
    def validate_contact_value(self, value, dispatcher, tracker, domain):
        text = str(value or "")
        if tracker.get_slot("contact_method") == "email":
            email = validation.normalise_email(text)
            if email is None:
                return _reask(dispatcher, "contact_value", "That doesn't look like an email address. "
                                                           "Please check it and type it again, like name@example.com.",
                              tracker)
            return {"contact_value": email}
        phone = validation.normalise_uk_phone(text)
        if phone is None:
            return _reask(dispatcher, "contact_value", "That doesn't look like a UK phone number. Please type it "
                                                       "again, for example 07700 900123 or 01632 960100.", tracker)
        return {"contact_value": phone}

    @skip_cleared
    def validate_child_age(self, value, dispatcher, tracker, domain):
        parsed = validation.parse_child_age(str(value or ""))
        if parsed is None:
            return _reask(dispatcher, "child_age", "Sorry, I didn't understand that. Please type your child's "
                                                   "age (for example 7) or school year (for example Year 3).")
        parts = []
        if parsed.get("age") is not None:
            parts.append(f"age {parsed['age']}")
        if parsed.get("year"):
            parts.append(str(parsed["year"]))
        return {"child_age": ", ".join(parts) or str(value).strip()[:40]}

    @skip_cleared
    def validate_school_setting(self, value, dispatcher, tracker, domain):
        text = " ".join(str(value or "").split())
        if text.lower().strip(".!") in SKIP_WORDS or not text:
            return {"school_setting": NOT_GIVEN}
        if len(text) > 120:
            return _reask(dispatcher, "school_setting", "Please give just the name of the school or setting "
                                                        "(up to 120 characters), or press Skip.")
        return {"school_setting": text}

    @skip_cleared
    def validate_concern_summary(self, value, dispatcher, tracker, domain):
        text = " ".join(str(value or "").split())
        draft = tracker.get_slot("concern_draft")
        if draft and text.lower().strip(".!") in AFFIRM_WORDS:
            return {"concern_summary": draft}
        if len(text) < 5 or text.lower() in AFFIRM_WORDS:
            return _reask(dispatcher, "concern_summary", "Please tell me in a few words what you'd like help with.")
        return {"concern_summary": text[:1000]}

    @skip_cleared
    def validate_urgency(self, value, dispatcher, tracker, domain):
        urgency = validation.parse_urgency(str(value or ""))
        if urgency is None:
            return _reask(dispatcher, "urgency", "Please choose: urgent, soon, or it can wait.")
        return {"urgency": urgency}

    @skip_cleared
    def validate_referral_confirmed(self, value, dispatcher, tracker, domain):
        if value is False:
            send(dispatcher, Reply(text="No problem. Let's go through the details again.",
                                   status=statuses.REFERRAL_IN_PROGRESS, extra={"step": "restart_details"}))
            return {name: None for name in (*DETAIL_SLOTS, "referral_confirmed")}
        return {"referral_confirmed": value}


def transcript(tracker: Tracker) -> list[dict]:
    """The conversation with personal details scrubbed (the referral carries them in its fields)."""
    lines = []
    for event in tracker.events:
        if event.get("event") in ("user", "bot") and event.get("text"):
            text = event["text"]
            if event["event"] == "user" and text.startswith("/"):
                continue
            lines.append({"speaker": "parent" if event["event"] == "user" else "assistant",
                          "text": scrub(text)[:2000]})
    return lines[-60:]


def time_frame(urgency: str) -> str:
    if urgency == "urgent":
        return "The team will treat this as urgent and aim to contact you by the end of the next working day."
    return "The team will contact you within 5 working days."


class ActionSubmitReferral(Action):
    def name(self) -> str:
        return "action_submit_referral"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            c = council_info()
            reset = [*[SlotSet(n, None) for n in (*REFERRAL_SLOTS, "concern_draft", "urgency_hint")],
                     SlotSet("offer", None)]
            if not tracker.get_slot("referral_consent") or not tracker.get_slot("referral_confirmed"):
                reply = Reply(
                    text=f"That's fine. Nothing has been sent. You can still contact {c.spa.line()}.",
                    status=statuses.REFERRAL_CANCELLED, extra={"contacts": [c.spa.to_json()]},
                )
                send(dispatcher, reply)
                return reset
            urgency = tracker.get_slot("urgency") or "routine"
            referral = Referral(
                council=council_filter(tracker) or c.id,
                parent_name=tracker.get_slot("parent_name"),
                contact_method=tracker.get_slot("contact_method"),
                contact_value=tracker.get_slot("contact_value"),
                child_age=tracker.get_slot("child_age"),
                school_setting=tracker.get_slot("school_setting"),
                concern_summary=tracker.get_slot("concern_summary"),
                urgency=urgency,
                consent={"given": True, "wording": CONSENT_WORDING,
                         "at": datetime.now(UTC).isoformat(timespec="seconds"),
                         "conversation_id": tracker.sender_id},
                transcript=transcript(tracker),
            )
            try:
                result = referral_client().submit(referral)
            except Exception:  # not even the local copy could be written: say so, plainly
                log.exception("referral could not be saved")
                reply = Reply(
                    text=(f"I'm sorry: something went wrong on our side and I could not save your request, "
                          f"so it has not been sent. Please contact {c.spa.line()} and they will help you "
                          "directly.\nIf a child is in danger right now, call 999."),
                    status=statuses.ERROR, extra={"saved": False, "contacts": [c.spa.to_json()]},
                )
                send(dispatcher, reply)
                return reset
            if result.delivered:
                first = [f"Thank you. I've passed this to {c.spa.name}.",
                         f"Your reference number is {result.reference}. Please keep it."]
            else:  # safely stored here; the retry loop delivers it when the service is back
                first = [(f"Thank you. Your request is saved and your reference number is {result.reference}. "
                          "Please keep it."),
                         (f"Our system could not reach {c.spa.name} just now, so it will be sent to them "
                          "automatically as soon as it can. You do not need to do anything else.")]
            lines = [
                *first,
                time_frame(urgency),
                f"If you need to, you can contact them on {c.spa.phone} or {c.spa.email}, quoting your reference.",
            ]
            if urgency == "urgent":
                lines.append("If a child is in danger right now, call 999.")
            reply = Reply(text="\n".join(lines), status=statuses.REFERRAL_SUBMITTED,
                          extra={"reference": result.reference, "urgency": urgency, "delivered": result.delivered})
            send(dispatcher, reply)
            return [*reset, SlotSet("referral_reference", result.reference)]

        return guarded(self.name(), run, dispatcher)


# ----- small talk, control ----------------------------------------------------------------------

def _simple(name: str, make: Callable[[Tracker], Reply]):
    class _Simple(Action):
        def name(self) -> str:
            return name

        def run(self, dispatcher, tracker, domain):
            def run() -> list[EventType]:
                reply = make(tracker)
                send(dispatcher, reply)
                return reply_events(reply, tracker)

            return then_listen(guarded(name, run, dispatcher))

    _Simple.__name__ = _Simple.__qualname__ = "".join(p.title() for p in name.split("_"))
    return _Simple


def _greet(tracker: Tracker) -> Reply:
    c = council_info()
    return Reply(
        text=f"Hello. I can help you find information about special educational needs and disabilities "
             f"(SEND) in {c.name}'s local offer, and put you in touch with a person. I'm an automated "
             "assistant, not a person. What would you like to know?\nIf a child is in danger, call 999.",
        status=statuses.SMALLTALK,
        buttons=[{"title": "What support should my child get?", "payload": "/what_should_child_get"},
                 {"title": "Find a service", "payload": "/find_service"}, TALK_TO_SOMEONE],
    )


def _goodbye(tracker: Tracker) -> Reply:
    return Reply(text="Goodbye, and take care. You can come back any time.", status=statuses.SMALLTALK)


def _thanks(tracker: Tracker) -> Reply:
    return Reply(text="You're welcome. Is there anything else I can help with?", status=statuses.SMALLTALK)


def _bot_challenge(tracker: Tracker) -> Reply:
    c = council_info()
    return Reply(
        text=f"I'm an automated assistant, not a person. I answer from {c.name}'s published documents. "
             f"To talk to a person, contact {c.spa.line()}.",
        status=statuses.SMALLTALK, buttons=[TALK_TO_SOMEONE],
    )


PERSON_WORDS = re.compile(r"\b(person|someone|somebody|human|talk|speak|chat|call me|ring me|phone me|contact me|advisor|adviser)\b", re.IGNORECASE)


def looks_like_send_question(text: str) -> bool:
    """A message that names SEND terms and asks something, whatever the classifier thought."""
    return bool(glossary().find_terms(text)) and ("?" in text or text.lower().startswith(("what", "how", "is ", "can ", "do ", "does ", "who", "why", "when", "wat", "whats")))


class ActionOutOfScope(Action):
    """Out of scope only when the documents do not answer it: a misread SEND question is answered."""

    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            text = latest_text(tracker)
            if not needs_council_choice(tracker):
                composed, explained = compose_answer(text, tracker)
                if composed.reply.status in (statuses.ANSWERED, statuses.ANSWERED_OFFER_REFERRAL):
                    send(dispatcher, composed.reply)
                    return with_session_rollover(tracker, reply_events(composed.reply, tracker), explained)
            reply = _out_of_scope(tracker)
            send(dispatcher, reply)
            return reply_events(reply, tracker)

        return then_listen(guarded(self.name(), run, dispatcher))


def _out_of_scope(tracker: Tracker) -> Reply:
    c = council_info()
    return Reply(
        text=f"Sorry, I can only help with special educational needs and disabilities (SEND) and "
             f"{c.name}'s local offer. For other council services, please see the council's website.",
        status=statuses.OUT_OF_SCOPE,
    )


def _feedback(tracker: Tracker) -> Reply:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    helpful = intent == "feedback_helpful"
    log.info("feedback helpful=%s after=%s", helpful, last_reply_status(tracker))
    if helpful:
        return Reply(text="Thank you for letting me know.", status=statuses.FEEDBACK, extra={"helpful": True})
    c = council_info()
    return Reply(
        text=f"Sorry that didn't help. You could try asking in a different way, or talk to a person: "
             f"{c.sendiass.line()}, or {c.spa.line()}.",
        status=statuses.FEEDBACK, buttons=[REFER_ME], extra={"helpful": False, "offer": "referral"},
    )


def _acknowledge(tracker: Tracker) -> Reply:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "deny" and tracker.get_slot("offer") == "referral":
        return Reply(text="That's fine. If you change your mind, just ask to talk to someone. "
                          "Is there anything else I can help with?", status=statuses.SMALLTALK)
    if intent == "deny":
        return Reply(text="OK. Is there anything else I can help with?", status=statuses.SMALLTALK)
    return Reply(text="OK. What would you like to know?", status=statuses.SMALLTALK)


ActionGreet = _simple("action_greet", _greet)
ActionGoodbye = _simple("action_goodbye", _goodbye)
ActionThanks = _simple("action_thanks", _thanks)
ActionBotChallenge = _simple("action_bot_challenge", _bot_challenge)
ActionFeedback = _simple("action_feedback", _feedback)
ActionAcknowledge = _simple("action_acknowledge", _acknowledge)


class ActionCancel(Action):
    def name(self) -> str:
        return "action_cancel"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            loop = tracker.active_loop.get("name")
            if loop == "referral_form":
                reply = Reply(text="OK, I've stopped. Nothing has been sent. Is there anything else I can help with?",
                              status=statuses.REFERRAL_CANCELLED)
            else:
                reply = Reply(text="OK, I've stopped. Is there anything else I can help with?",
                              status=statuses.CANCELLED)
            send(dispatcher, reply)
            events: list[EventType] = [SlotSet("offer", None)]
            if loop:
                events = [*form_reset(REFERRAL_SLOTS + OAP_SLOTS), *events]
            return [ActiveLoop(None), *events]

        return guarded(self.name(), run, dispatcher)


class ActionDeleteConversation(Action):
    """Forget the conversation: slots cleared, and the gateway deletes the stored tracker."""

    def name(self) -> str:
        return "action_delete_conversation"

    def run(self, dispatcher, tracker, domain):
        def run() -> list[EventType]:
            send(dispatcher, Reply(
                text="I've cleared this conversation. What you told me here won't be used again. "
                     "A referral you've already sent stays with the SPA team.",
                status=statuses.CONVERSATION_DELETED, extra={"delete_conversation": True},
            ))
            return [ActiveLoop(None), AllSlotsReset(), Restarted()]

        return guarded(self.name(), run, dispatcher)
