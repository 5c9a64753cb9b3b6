"""Whole conversations with the real Rasa server and action server, over the REST channel."""

from __future__ import annotations

import sqlite3

import pytest

from tests.stack_fixtures import Conversation

pytestmark = pytest.mark.slow

CRISIS_NUMBERS = ("999", "0800 1111", "116 123", "0808 800 5000", "01632 960 300")


def test_a_question_gets_a_short_cited_answer(conversation: Conversation):
    turn = conversation.say("how long has the council got to decide whether to do an ehc needs assessment??")
    assert turn.status == "answered"
    custom = turn.customs[0]
    assert custom["sources"] and all(s["title"] and s["url"] and s["council"] and s["updated"] for s in custom["sources"])
    assert "6 weeks" in turn.text and "Brackenmoor Borough Council" in turn.text
    assert {b["payload"] for b in turn.buttons} >= {"/feedback_helpful", "/request_human"}


def test_missing_support_is_answered_with_a_referral_offer(conversation: Conversation):
    turn = conversation.say("what should school actually be doing at sen support?? my son is 7 and has NOTHING in place")
    assert turn.status in ("answered_offer_referral", "guided_question")
    if turn.status == "answered_offer_referral":
        assert turn.customs[0]["sources"]
        assert any(b["payload"] == "/start_referral" for b in turn.buttons)


def test_not_in_the_documents_says_so_and_offers_people(conversation: Conversation):
    turn = conversation.say("how much is disability living allowance a week for a child on the middle rate")
    assert turn.status == "not_in_documents"
    assert not turn.customs[0]["sources"]
    assert "01632 960 200" in turn.text and "01632 960 100" in turn.text  # SENDIASS and the SPA


def test_crisis_stops_answering_and_gives_crisis_contacts(conversation: Conversation):
    turn = conversation.say("my son said tonight he wants to go to sleep and never wake up. hes 11. what do i do")
    assert turn.status == "handed_off"
    assert turn.customs[0]["handoff"]["tier"] == "crisis"
    assert not turn.customs[0]["sources"]
    for number in CRISIS_NUMBERS:
        assert number in turn.text, number
    # the parent accepts a person: the referral starts, marked urgent without asking
    turn = conversation.say("yes")
    assert turn.status == "referral_started"


def test_needs_a_person_today_hands_off_without_crisis_numbers(conversation: Conversation):
    turn = conversation.say("Head said if I dont take him off roll and home educate he'll be permanently excluded. Meeting is tomorrow 9am")
    assert turn.status == "handed_off"
    assert turn.customs[0]["handoff"]["tier"] == "urgent"
    assert "116 123" not in turn.text and "01632 960 100" in turn.text


def test_a_near_miss_is_not_escalated(conversation: Conversation):
    turn = conversation.say("dying to know when the EHCP panel meets, can you tell me?")
    assert turn.status != "handed_off"


def test_glossary(conversation: Conversation):
    turn = conversation.say("what does SENCO stand for")
    assert turn.status in ("glossary", "answered")  # answered: the documents explain it too
    assert turn.customs[0]["term"] == "SENCO"
    assert "special educational needs co-ordinator" in turn.text.lower()
    assert "glossary" in turn.text


def test_find_a_service(conversation: Conversation):
    turn = conversation.say("is there anything for autistic 8 year olds after school")
    assert turn.status == "service_list"
    assert "Spectrum After-School Club" in turn.text


def test_guided_what_should_my_child_get(conversation: Conversation):
    turn = conversation.say("what support should my child get")
    assert turn.status == "guided_question" and turn.customs[0]["step"] == "child_phase"
    turn = conversation.say("banana")
    assert turn.customs[0].get("invalid") and turn.customs[-1]["step"] == "child_phase"
    turn = conversation.say("hes 7")
    assert turn.customs[0]["step"] == "need_area"
    turn = conversation.say("Talking and understanding")
    assert turn.status == "answered"
    assert turn.customs[0]["flow"] == "what_should_child_get" and turn.customs[0]["phase"] == "primary"
    assert "What you can ask the SENCO" in turn.text


def test_guided_flow_asks_only_what_it_lacks(conversation: Conversation):
    turn = conversation.say("what help should my 6 year old get at school, she struggles with reading")
    if turn.status == "guided_question":
        pytest.fail(f"asked again for what the message said: {turn.customs[0]}")
    assert turn.status in ("answered", "answered_offer_referral")


def _referral(conversation: Conversation, phone_attempts: list[str]) -> list:
    turns = [conversation.say("what is ordinarily available provision"), conversation.say("i want to make a referral")]
    assert turns[-1].status == "referral_started"
    for message in ["yes", "Sam Example", "phone", *phone_attempts, "year 3", "Brackenmoor Primary", "yes", "soon"]:
        turns.append(conversation.say(message))
    return turns


def test_referral_end_to_end_with_an_invalid_phone_number(conversation: Conversation, stack, referral_inbox):
    inbox, _ = referral_inbox
    turns = _referral(conversation, ["12345", "07700 900123"])
    invalid = [t for t in turns if t.customs and t.customs[0].get("invalid")]
    assert invalid and invalid[0].customs[0]["step"] == "contact_value"
    readback = turns[-1]
    assert readback.customs[-1]["step"] == "referral_confirmed"
    assert "Sam Example" in readback.text and "07700 900123" in readback.text
    done = conversation.say("yes")
    assert done.status == "referral_submitted"
    reference = done.customs[0]["reference"]
    assert reference in done.text and "5 working days" in done.text
    delivered = [r for r in inbox.received if r["reference"] == reference]
    assert len(delivered) == 1
    referral = delivered[0]
    assert referral["consent"]["given"] is True
    assert referral["contact_value"] == "07700 900123" and referral["urgency"] == "soon"
    assert "ordinarily available provision" in referral["concern_summary"]
    with sqlite3.connect(stack.workdir / "outbox.sqlite3") as db:
        assert db.execute("SELECT delivered_at FROM outbox WHERE reference = ?", (reference,)).fetchone()[0]


def test_cancel_leaves_the_form_and_sends_nothing(conversation: Conversation, referral_inbox):
    inbox, _ = referral_inbox
    before = len(inbox.received)
    conversation.say("can you refer me to the SPA")
    conversation.say("yes")
    turn = conversation.say("cancel")
    assert turn.status == "referral_cancelled"
    turn = conversation.say("what is a part-time timetable")
    assert turn.status in ("answered", "answered_offer_referral")
    assert len(inbox.received) == before


def test_declining_consent_sends_nothing(conversation: Conversation, referral_inbox):
    inbox, _ = referral_inbox
    before = len(inbox.received)
    assert conversation.say("i want to make a referral").status == "referral_started"
    turn = conversation.say("no")
    assert turn.status == "referral_cancelled"
    assert len(inbox.received) == before


def test_risk_mid_form_stops_the_form_and_hands_off(conversation: Conversation):
    conversation.say("i want to make a referral")
    conversation.say("yes")
    turn = conversation.say("i cant do this anymore, the kids would be better off without me")
    assert turn.status == "handed_off" and turn.customs[0]["handoff"]["tier"] == "crisis"
    turn = conversation.say("what is sen support")
    assert turn.status in ("answered", "answered_offer_referral")


def test_logs_carry_no_personal_data(conversation: Conversation, stack):
    _referral(conversation, ["07700 900456"])
    conversation.say("my email is sam.private@example.org and we live at 12 Acacia Avenue, BK1 2ZZ")
    logs = "\n".join(path.read_text(errors="replace") for path in stack.workdir.glob("*.log"))
    for personal in ("Sam Example", "07700 900456", "sam.private@example.org", "Acacia Avenue", "BK1 2ZZ"):
        assert personal not in logs, personal


def test_bot_challenge_and_out_of_scope(conversation: Conversation):
    assert conversation.say("am i talking to a real person?").status == "smalltalk"
    assert conversation.say("what time does the tip open").status in ("out_of_scope", "not_in_documents")


def test_delete_conversation(conversation: Conversation):
    conversation.say("what is an EHCP")
    turn = conversation.say("please delete my conversation")
    assert turn.status == "conversation_deleted" and turn.customs[0]["delete_conversation"] is True


def test_an_email_address_in_the_form_is_taken_as_the_answer(conversation: Conversation):
    # the classifier once read an email address as "stop"; the deterministic corrections stop that
    conversation.say("i want to make a referral")
    conversation.say("yes")
    conversation.say("Sam Example")
    conversation.say("email")
    turn = conversation.say("sam@example.org")
    assert turn.status == "referral_in_progress" and turn.customs[-1]["step"] == "child_age"
    turn = conversation.say("cancel")
    assert turn.status == "referral_cancelled"


def test_a_referral_made_while_the_service_is_down_is_delivered_later(sample_index, tmp_path, referral_inbox):
    """The action server keeps the referral in its outbox and posts it once the service answers."""
    import socket
    import time
    from http.server import ThreadingHTTPServer

    from bot.stack import running_stack
    from tests.stack_fixtures import MODEL, REFERRAL_SECRET, ReferralInbox, require_model

    require_model()
    with socket.socket() as sock:  # a port with nothing listening yet
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"REFERRAL_SERVICE_URL": f"http://127.0.0.1:{port}", "REFERRAL_SERVICE_SECRET": REFERRAL_SECRET,
           "REFERRAL_RETRY_SECONDS": "1"}
    with running_stack(MODEL, sample_index, workdir=tmp_path, env=env) as stack:
        conversation = Conversation(stack)
        for message in ["i want to make a referral", "yes", "Sam Example", "phone", "07700 900123", "7", "skip",
                        "Nothing is in place at school.", "urgent"]:
            conversation.say(message)
        done = conversation.say("yes")
        assert done.status == "referral_submitted" and done.customs[0]["delivered"] is False
        reference = done.customs[0]["reference"]
        assert reference in done.text
        server = ThreadingHTTPServer(("127.0.0.1", port), ReferralInbox)  # the service comes back
        import threading

        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not any(r["reference"] == reference for r in ReferralInbox.received):
                time.sleep(0.5)
        finally:
            server.shutdown()
    assert [r["urgency"] for r in ReferralInbox.received if r["reference"] == reference] == ["urgent"]


def test_a_long_conversation_rolls_over_to_a_new_session_keeping_its_state(conversation: Conversation, stack):
    """Past about 100 stored events an answer starts a new Rasa session with the slots carried
    over, so Rasa reloads only the recent events; the conversation carries on as before."""
    questions = ["what is sen support", "what is an annual review", "what is a personal budget",
                 "what are short breaks", "what is ordinarily available provision"]
    first = conversation.say("who is the senco and what do they do")
    assert "special educational needs co-ordinator" in first.text.lower()
    for turn in range(24):
        assert conversation.say(questions[turn % len(questions)]).status in ("answered", "answered_offer_referral")
    # Rasa's SQL tracker store loads a conversation from its latest session start
    import sqlite3

    with sqlite3.connect(stack.workdir / "tracker.db") as db:
        starts = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'session_started'",
                            (conversation.sender,)).fetchone()[0]
        since = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ? AND timestamp >= (SELECT MAX(timestamp) "
                           "FROM events WHERE sender_id = ? AND type_name = 'session_started')",
                           (conversation.sender, conversation.sender)).fetchone()[0]
        total = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (conversation.sender,)).fetchone()[0]
    assert starts >= 2, "no rollover happened"
    assert since < 120 < total
    again = conversation.say("what does the senco do at sen support")
    body = again.text.split("\n\n")[0].lower()
    assert "senco (special educational needs co-ordinator)" not in body  # expanded terms were carried over
    offer = conversation.say("school refused to do anything, my son has nothing in place")
    assert offer.status == "answered_offer_referral"
    assert conversation.say("yes").status == "referral_started"  # the offer slot survives rollover
