"""Does a question say that support is missing, refused, or overdue? Then offer the SPA.

A parent who writes "school refused", "nothing in place" or "we've waited 18 months" is not only
asking for information: they may need someone to act. The answer still comes from the documents;
these readable patterns decide whether it also offers a referral to the single point of access.
Offering when it was not needed costs a parent one tap to ignore; not offering can leave a family
stuck, so the patterns lean towards offering.
"""

from __future__ import annotations

import re

_APOS = "['\u2019]?"

# Each group: (name, pattern). Apostrophes are optional everywhere ("dont", "can't").
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("nothing_in_place",
     r"\b(nothing|no support|no help|no provision|not a thing)\b[^.?!]{0,20}\b(in place|put in|at all|being done|given|offered|happening)\b"),
    ("has_nothing", r"\b(has|have|got|getting|there is|theres|there" + _APOS + r"s)\s+(nothing|no support|no help|no plan|no written plan)\b"),
    ("no_plan", r"\bno (written |sen |support |individual )?(plan|iep|support plan|provision map)\b"),
    ("no_one_helping", r"\b(no ?one|nobody)\b[^.?!]{0,15}\b(help|helping|listen|listening|support|supporting|responding|getting back)"),
    ("not_getting_help", r"\b(not|isn" + _APOS + r"t|isnt|aren" + _APOS + r"t|arent) (getting|receiving|given|having|being given) (any |the |them\b|it\b|his |her |their |what)"),
    ("cant_afford", r"\b(can" + _APOS + r"t|cant|cannot|unable to) (afford|fund|staff|find the money)"),
    ("conditions_to_attend", r"\b(can" + _APOS + r"t|cant|cannot|won" + _APOS + r"t|wont|not allowed to) (start|come|attend|go|join)\b[^.?!]{0,20}\b(until|unless)\b"),
    ("criteria_not_met", r"\b(doesn" + _APOS + r"t|doesnt|does not|didn" + _APOS + r"t|didnt|did not|not) meet(ing)? (the |their |our )?(criteria|threshold)"),
    ("closed_case", r"\b(closed (it|the referral|the case|his case|her case|their case|his referral|her referral)|discharged (him|her|them|us))\b"),
    ("refused", r"\b(refus\w*|reject\w*|turned (us|him|her|them) down|said no\b|say no\b|says no\b|denied|declined)"),
    ("wont_do", r"\b(won" + _APOS + r"t|wont|will not|would not|wouldn" + _APOS + r"t|wouldnt)\s+(give|do|assess|provide|help|take|accept|let|pay|fund|put|apply|send|listen)"),
    ("cant_meet_needs", r"\b(can" + _APOS + r"t|cant|cannot|unable to|not able to)\s+meet\s+(his|her|their|my \w+" + _APOS + r"s?)\s+needs"),
    ("not_their_job", r"\bnot (their|her|his|our|my) (job|responsibility|problem|role)\b"),
    ("doesnt_do", r"\b(doesn" + _APOS + r"t|doesnt|don" + _APOS + r"t|dont|do not|does not) (do|offer|fund|provide|pay for|cover)\b"),
    ("pushed_out", r"\b(push\w*|send\w*|pass\w*) (us|him|her|them) (elsewhere|somewhere else|around|from pillar to post)"),
    ("off_register", r"\b(off|remove\w* from|taken off) (the )?(sen|send)( support)? register"),
    ("never_sent", r"\b(never|didn" + _APOS + r"t|didnt|did not|haven" + _APOS + r"t|havent) (sent|passed|shared|forwarded|received|got back|replied|responded|heard)"),
    ("lost_paperwork", r"\b(lost|misplaced) (the |his |her |their |my )?(report|reports|paperwork|diagnosis|referral|application|form)"),
    ("had_to_redo", r"\bhad to (go back|start again|chase|pay|do it all again)"),
    ("waited", r"\b(waited|waiting|been waiting|on the waiting list|wait(ed)? for)\b[^.?!]{0,30}\b(\d+|a|an|several|many|few|two|three|four|five|six|eight|ten|twelve|eighteen)\s*(weeks?|months?|years?|yrs?)\b"),
    ("been_long", r"\b(been|took|taken|taking|over|for|nearly|almost)\s+(\d+|several|many|a few|two|three|four|six|eighteen)\s*(weeks?|months?|years?|yrs?)\b"),
    ("ago_still", r"\b(weeks?|months?|years?) ago\b[^.?!]{0,40}\b(still|no|not|nothing|haven|havent)"),
    ("still_waiting", r"\bstill (waiting|no |not |nothing|haven|havent|don" + _APOS + r"t|dont|hasn|hasnt)"),
    ("overdue", r"\b(overdue|past the deadline|missed the deadline|deadline (has )?passed|out of time|late|chasing|no reply|no response|not heard back|heard nothing)\b"),
    ("dismissed", r"\b(say|says|said|saying|insist\w*)\s+(he|she|they|hes|shes|he" + _APOS + r"s|she" + _APOS + r"s|theyre|they" + _APOS + r"re|he is|she is|they are|my \w+ is)\s+(fine|ok|okay|coping|doing well|not autistic|just naughty|lazy)"),
    ("no_concerns", r"\b(no concerns?|not concerned|not worried|nothing wrong|ignor\w+|not listening|wont listen|don" + _APOS + r"t listen|dont listen|fob\w* (us|me) off|brushed off)"),
    ("lost_where_to_turn", r"\b(who (do|should|can) i (call|ring|contact|phone|speak to|talk to|ask|turn to)|where (do|should|can) i (even )?(start|begin|go|turn)|don" + _APOS + r"t know (who|where|what to do)|dont know (who|where|what to do)|at a loss)"),
    ("is_that_allowed", r"\b(is (that|this|it) (an actual|a real|even a|really a|actually a|a) (rule|law)|is (that|this|it) (legal|allowed|lawful|right)|are they allowed|can (they|the school|school|the council|the la) (do that|refuse|say no|make (us|me|him|her)|insist))"),
    ("must_first", r"\b(has|have|needs?|must) to (have|do|wait|try)\b[^.?!]{0,40}\b(first|before)\b"),
    ("paying_privately", r"\b(pay(ing)?|paid|spend(ing)?|cost(s)? (us|me))\b[^.?!]{0,25}\b(advocate|solicitor|lawyer|private\w*|independent (ep|ot|salt|assessment|report))"),
    ("refer_myself", r"\b(can|could|do) (i|we|parents) (self[- ]?refer|refer (him|her|them|my|our|myself|ourselves))"),
    ("exclusion_threat", r"\b(threaten\w*|going) to (exclude|expel)|sent home (early|every|again)"),
    ("struggling", r"\b(struggling|desperate|at breaking point|exhausted|fighting|battle|battling|begging)\b"),
)

_COMPILED = tuple((name, re.compile(pattern)) for name, pattern in _PATTERNS)


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text)[:4000]


def referral_signals(question: str) -> list[str]:
    """Names of the patterns that say support is missing, refused or overdue (empty: none)."""
    text = _normalise(question)
    return [name for name, pattern in _COMPILED if pattern.search(text)]


def offer_referral(question: str) -> bool:
    return bool(referral_signals(question))
