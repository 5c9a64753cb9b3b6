"""Deterministic safeguarding check: readable phrase lists, standard library only, no ML.

How a message is assessed
-------------------------
1. Normalise: Unicode NFKC, lower case, curly quotes made straight, apostrophes dropped
   ("he's" -> "hes", "can't" -> "cant", "OD'd" -> "odd"), hyphens and dashes made spaces
   ("self-harm" -> "self harm"), whitespace collapsed, unambiguous text-speak expanded
   ("wants 2 die", "u", "some1", "b4"), length capped at ``MAX_CHARS``.
   Every pattern below is written against this form, so a missing apostrophe never matters.
2. Neutralise topic mentions: phrases that name a danger as a *subject of a question*
   ("self-harm awareness session", "what counts as abuse", "knife crime workshop", "suicide
   prevention training") are blanked before matching, so policy questions stay clean while
   a real disclosure in the same message is still seen.
3. Match the rules. Each rule has a name, a category, a tier and a regular expression built
   from named, commented phrase groups; some rules also name an ``unless`` pattern (a sport
   injury, a bruising condition) that cancels that rule only.
4. Decide the tier:
   - ``crisis`` when any crisis rule matches (a child or parent at risk of harm or suicide,
     self-harm, abuse, domestic abuse, restraint or injury in a setting, a missing child,
     exploitation, weapons, severe not eating, a parent in crisis or at risk of harming);
   - otherwise ``urgent`` when any urgent rule matches (excluded or sent home today, pressure
     to come off roll or home educate, no education in place, a complaint about a named
     school or member of staff);
   - otherwise ``none``.
   Crisis always wins over urgent. The category is that of the first matching rule of the
   winning tier (rules are listed in priority order); ``rules`` names every rule that
   matched, never the message text.

Recall comes first: a false alarm costs a parent a slightly odd reply, a miss can cost far
more. Near-misses (idioms such as "killing it", "dying to know", "could murder a coffee";
sport injuries; policy questions) are kept clean by writing patterns around people and
events ("held him down", "hasnt come home") rather than single alarming words.
All gaps are bounded (``[^.?!]{0,40}``) and no quantifier is nested, so matching stays linear.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_CHARS = 5000

CRISIS = "crisis"
URGENT = "urgent"
NONE = "none"


@dataclass(frozen=True)
class Assessment:
    tier: str  # "crisis", "urgent" or "none"
    category: str | None  # None when tier == "none"
    rules: tuple[str, ...]  # names of the rules that matched (never the message text)

    @property
    def at_risk(self) -> bool:
        return self.tier != "none"


# ----- normalisation ------------------------------------------------------------------------

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
})
_APOSTROPHE = re.compile(r"'")
_DASHES = re.compile(r"-+")
_SPACE = re.compile(r"\s+")
# text-speak, expanded only where it is unambiguous: "wants 2 die", "u", "some1"
_TEXT_SPEAK = (
    (re.compile(r"\b2(?= (?:die|be|go|kill|end|hurt|do|take|get|eat|come|live|stop|cut|jump|run|leave|see|say|tell|keep|make|the|him|her|me|school)\b)"), "to"),
    (re.compile(r"\bu\b"), "you"),
    (re.compile(r"\bur\b"), "your"),
    (re.compile(r"\b(some|no|any|every)1\b"), r"\1one"),
    (re.compile(r"\bb4\b"), "before"),
    (re.compile(r"\bwiv\b"), "with"),
    (re.compile(r"\bcoz\b|\bcos\b"), "because"),
    (re.compile(r"\bpls\b|\bplz\b"), "please"),
)


def normalise(text: str) -> str:
    """Lower-case, unify quotes, drop apostrophes, hyphens to spaces, collapse whitespace."""
    text = (text or "")[: MAX_CHARS * 2]
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = _APOSTROPHE.sub("", text)
    text = _DASHES.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    for pattern, replacement in _TEXT_SPEAK:
        text = pattern.sub(replacement, text)
    return text[:MAX_CHARS]


# ----- building blocks ------------------------------------------------------------------------

def _any(*phrases: str) -> str:
    """A non-capturing alternation of regex fragments."""
    return "(?:" + "|".join(phrases) + ")"


# Gaps between phrases are always bounded: [^.?!]{0,40} stays inside one sentence,
# [^?!]{0,120} may cross a full stop. Nothing is nested, so matching stays linear.

# family and household nouns for a child
KID = _any(
    "son", "sons", "daughter", "daughters", "child", "childs", "children", "kid", "kids", "boy", "girl",
    "lad", "ds", "dd", "dc", "baby", "toddler", "teen", "teenager", "little one", "eldest", "youngest",
    "stepson", "stepdaughter", "grandson", "granddaughter", "nephew", "niece", "brother", "sister",
    "twins?", "boys", "girls", "lads", "little boy", "little girl",
)
# "my son", "my autistic 9 yr old", "our daughter"
MY_KID = rf"(?:my|our) (?:\w+ ){{0,2}}?{KID}"
# someone specific: a pronoun or my/our + child (never "a child", which is a policy question)
CHILD_OBJ = _any(r"him", r"her", r"them", MY_KID, r"the kids", r"the children", r"the baby", r"\w+s (?:son|daughter)")
CHILD_SUBJ = _any(r"he", r"she", r"hes", r"shes", r"they", r"theyre", MY_KID, r"ds", r"dd", r"\d+ ?(?:yr|year|yo|y)\w* old")
SELF = _any("himself", "herself", "themselves", "themself", "myself", "my self", "him self", "her self", "yourself")
ADULT = _any(
    "partner", "husband", "hubby", "wife", "boyfriend", "girlfriend", "ex", "ex partner", "ex husband", "ex wife",
    "fiance", "fiancee", "stepdad", "step dad", "stepmum", "step mum", "stepfather", "stepmother",
    "dad", "dads", "mum", "mums", "mam", "father", "mother", "uncle", "aunt", "auntie", "grandad", "grandpa",
    "granddad", "nan", "nana", "grandma", "grandmother", "grandfather", "cousin", "brother in law",
    "sister in law", "neighbour", "lodger", "babysitter", "childminder", "carer", "coach", "tutor",
    "mummys boyfriend", "mums boyfriend", "mums partner", "dads girlfriend", "dads partner",
)
SETTING = _any(
    "school", "schools", "staff", "teacher", "teachers", "ta", "tas", "lsa", "senco", "head", "headteacher",
    "head teacher", "deputy", "nursery", "college", "unit", "pru", "class", "classroom", "corridor",
    "escort", "taxi", "bus", "driver", "respite", "short breaks?", "carers?", "support worker",
    "childminder", "club", "residential", "calm room", "quiet room", "isolation", "sensory room",
    "playground", "lunchtime", "break time", "dinner lady", "midday", "teaching assistant", "1:1", "one to one",
)
# people paid to look after a child (school, transport, care)
STAFF = _any(
    "staff", "staff member", "member of staff", "teachers?", "ta", "tas", "lsa", "lsas", "teaching assistant", "senco",
    "head", "headteacher", "head teacher", "deputy(?: head)?", "assistant head", "tutor", "form tutor", "supply teacher",
    "pe teacher", "coach", "escort", "passenger assistant", "driver", "taxi driver", "bus driver", "carer", "carers",
    "support worker", "key ?worker", "care worker", "respite (?:staff|worker|carer)", "childminder", "nursery (?:staff|worker|nurse)",
    "dinner lady", "dinner ladies", "midday supervisor", "lunchtime supervisor", "supervisor", "caretaker", "1:1",
    "one to one", "nurse", "therapist", "foster carer", "residential staff", "play worker", "youth worker", "instructor",
)
# injuries someone can see
INJURY = _any(
    r"bruis\w*", "marks?", "black eyes?", "cuts?", "scratch(?:es)?", "burns?", "split lip", "fat lip", "cut lip",
    "bloody nose", "swollen \\w+", "lumps?", "bumps?", "welts?", "bite marks?", r"injur\w*", "broken \\w+",
    r"fractur\w*", "concussion", "head injury", "carpet burns?", "friction burns?", "grazes?", "handprints?",
    "finger ?marks?", "red marks?",
)
# body parts, for "hurt her ankle" (an injury, not someone hurting her)
BODY = _any(
    "feelings?", "ankles?", "knees?", "legs?", "arms?", "wrists?", "back", "head", "neck", "foot", "feet", "hands?",
    "fingers?", "thumbs?", "toes?", "shoulders?", "hips?", "elbows?", "ears?", "eyes?", "tummy", "stomach", "teeth",
    "tooth", "chest", "ribs?", "nose", "mouth", "jaw", "bum", "bottom", "skin", "throat", "tongue", "lips?", "cheeks?",
    "nails?", "toenails?", "eyebrows?",
)
FAMILY = _any(
    "dad", "dads", "daddy", "daddys", "mum", "mums", "mummy", "mummys", "stepdad", "step dad", "stepmum",
    "uncle", "uncles", "grandad", "grandads", "grandpa", "nan", "nans", "grandma", "partner", "boyfriend",
    "girlfriend", "husband", "ex", "contact", "at home", "brother", "sister", "cousin", "babysitter",
    "neighbour", "lodger",
)


@dataclass(frozen=True)
class _Rule:
    name: str
    category: str
    tier: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None


def _rule(name: str, category: str, tier: str, pattern: str, unless: str | None = None) -> _Rule:
    return _Rule(name, category, tier, re.compile(pattern), re.compile(unless) if unless else None)


# ----- neutralisers: a danger named as the topic of a question ----------------------------------

_TOPIC_NOUN = _any(
    r"self harm(?:ing)?", r"selfharm(?:ing)?", r"suicide", r"suicidal thoughts", r"abuse", r"child abuse",
    r"sexual abuse", r"domestic abuse", r"domestic violence", r"knife crime", r"county lines",
    r"restraint", r"restrictive practice", r"physical intervention", r"positive handling",
    r"exploitation", r"grooming", r"child sexual exploitation", r"cse", r"cce", r"online safety",
    r"safeguarding", r"eating disorders?", r"weapons?", r"off rolling", r"seclusion", r"bullying",
    r"mental health", r"missing children", r"missing child", r"radicalisation",
)
_TOPIC_FOLLOWER = _any(
    "awareness", "prevention", "training", "policy", "policies", "workshops?", "courses?", "sessions?",
    "talks?", "guidance", "reduction", "support groups?", "charity", "charities", "helplines?", "leaflets?",
    "lessons?", "programmes?", "programs?", "information", "info", "week", "day", "month", "strategy",
    "procedures?", "toolkit", "first aid", "module", "webinar", "assembly",
    "pathway", "rules", "laws?", "legislation", "statistics", "campaign", "protocol", "resources?",
)
_TOPIC_LEADER = _any(
    r"what(?: is| are|s| does| do)(?: the| a| an)?(?: law on| rules on| meaning of| definition of| signs of)?",
    r"what counts as", r"counts? as", r"definition of", r"meaning of", r"what are the signs of", r"the law on",
    r"the rules on", r"rules about", r"guidance on", r"teach(?:es|ing)? (?:kids |children |pupils |them )?about",
    r"learn(?:ing)? about", r"(?:talks?|talking|session|course|training|workshop|leaflet|information|info) (?:on|about)",
    r"the risks of", r"worried about (?:the )?(?:rise in|news about)",
    r"in the news about",
)
_GENERIC_CHILD = r"(?:a|any|your|another|other|a disabled|an autistic|a send) (?:child|children|pupil|pupils|student|students|kid|kids|young person|young people)"
_NEUTRALISERS = (
    # "can a child be restrained at school": a question about rules
    re.compile(rf"\b{_GENERIC_CHILD} (?:\w+ ){{0,2}}?(?:be |being |is |are |get |gets )?(?:restrained|held down|secluded|isolated|put in isolation|locked in|searched|physically (?:held|moved|restrained)|excluded|suspended|sent home|taken off roll|off rolled)\b"),
    # "support for parents of children who self harm": a group, not a disclosure
    re.compile(r"\b(?:children|young people|kids|teens|teenagers|pupils|students|people|families|parents|carers|those) (?:who|that|which) (?:self harm|selfharm|are suicidal|have been abused|go missing|are being exploited|are exploited|have eating disorders|have been groomed)\b"),
    # "how do i talk to him about puberty and private parts": a question about teaching
    re.compile(r"\b(?:(?:talk|talking|speak|speaking|teach|teaching|explain|explaining|tell|telling|learn|learning|lessons?|books?|resources?|leaflets?|videos?|guidance|advice)(?: to)? (?:\w+ ){0,2}?(?:about|on)|puberty and|names? for|body safety and|pants rule and) (?:their |the |his |her |our |your )?(?:private parts|private bits|privates)\b"),
    # "if a child goes missing on a trip", "if im worried a child is being hurt": a policy question
    re.compile(rf"\b(?:if|when|in case|where|whether) (?:\w+ ){{0,3}}?{_GENERIC_CHILD} (?:\w+ ){{0,2}}?(?:goes|go|went|is|are|gets|get|has|have|was|were|being|getting|at risk)\b[^.?!]{{0,40}}"),
    # "self-harm awareness session", "suicide prevention training", "knife crime workshop"
    re.compile(rf"\b{_TOPIC_NOUN} {_TOPIC_FOLLOWER}\b"),
    # "what counts as abuse", "how do schools teach kids about county lines"
    re.compile(rf"\b{_TOPIC_LEADER} {_TOPIC_NOUN}\b"),
)


def _neutralise(text: str) -> str:
    for pattern in _NEUTRALISERS:
        text = pattern.sub(" _topic_ ", text)
    return text


# ----- shared suppressors (cancel one rule only) ---------------------------------------------

# a sport or play accident, with nobody doing it to the child
_ACCIDENT = _any(
    "football", "footy", "rugby", "netball", "hockey", "basketball", "cricket", "rounders", "tennis",
    "athletics", "gymnastics", r"\bpe\b", "p e lesson", "sports? day", "match", "training session",
    "trampolin\\w*", "scooter", "bike", "skateboard", "fell off", "fell over", "fell down", "tripped",
    "slipped", "falling off", "falling over", "climbing frame", "swimming", "dance class", "karate",
    "judo", "boxing club", "by accident", "accidentally", "nothing serious", "on a tin", "bruises easily",
    "bruise easily", "because of (?:his|her|their) condition", "hypermobil\\w*", "haemophilia",
    "eds\\b", "ehlers", "eczema", "psoriasis", "dermatitis", "nose ?bleeds?", "dentist", "dental", "tooth (?:out|came out|fell out|extraction)", "lost a tooth", "wobbly tooth",
    "(?:her|my|started (?:her|their)|first) periods?", "injection", "jabs?", "vaccin\\w*", "playground", "climbing frame", "bump note", "bump letter", "accident (?:form|slip|book|report|note)",
    "head injury (?:form|letter|note|slip)", "(?:rang|called|phoned|told) (?:me )?straight away", "first aid", "blood test", "blood sugar", "took blood", "blood glucose", "blood pressure",
)
_SOMEONE_DID_IT = _any(
    r"\bheld\b", "restrain", "dragg", "grabb", "pushed", "shoved", r"\bhit (?:him|her|them|my)\b", r"\bhits (?:him|her|them|my)\b", "kicked", "punched",
    "slapped", "smacked", "pinned", "staff", r"\bta\b", "teacher", r"\blsa\b", "escort", "nobody (?:rang|called|told)",
    "no one (?:rang|called|told)", "didnt (?:ring|call|tell)", "abus", "attack", "jumped",
    r"(?:wont|wouldnt|cant|couldnt|didnt|refused to|refuse to) (?:say|tell|explain)", "no explanation", "knows how",
    "not told", "never told", "covered up", "lied",
)
ACCIDENT_ONLY = rf"^(?=.*\b{_ACCIDENT}\b)(?!.*{_SOMEONE_DID_IT})"


# ----- the rules, in priority order ------------------------------------------------------------
# Each group is a list of (name, pattern) pairs; comments say what the phrases are for.

_R: list[_Rule] = []


def _add(category: str, tier: str, rules: list[tuple[str, str]], unless: str | None = None) -> None:
    for name, pattern in rules:
        _R.append(_rule(name, category, tier, pattern, unless))


# --- suicide: a child (or anyone) talking about dying, planning it, or having tried ---
_add("suicide", CRISIS, [
    # the words themselves ("suicidal", "attempted suicide"), topic mentions already blanked
    ("suicide_word", r"\bsuicid\w*"),
    ("kill_self", rf"\b(?:kill|killing|kills|killed|end|ending|hang|hanging|hanged|drown|drowning|strangle|strangling|suffocate|poison|poisoning|off) {SELF}"),
    ("suicide_slang", r"\b(?:kms|kys|unalive\w*|sewer ?slide|sewerslid\w*)\b"),
    ("throw_self", rf"\b(?:throw|throwing|threw|throws|chuck|chucking|fling|flinging) {SELF} (?:out|off|from|down|in front|under|into)\b"),
    ("better_with_someone_else", r"\b(?:better|happier) (?:off )?(?:with (?:someone else|somebody else|another (?:mum|mother|dad|father|parent|family)|a (?:different|better|new|proper|real) (?:mum|mother|dad|father|parent|family))|in care)\b"),
    # "wants to die", "wanna die", "wished he was dead", "wants to be dead"
    ("want_to_die", r"\b(?:wants?|wanted|wanting|wanna|going|gonna|ready|deserves?|deserved|would rather|rather) (?:to )?(?:die|be dead|not exist|not be alive|not be born|end it|end it all|end (?:his|her|my|their) (?:own )?life|disappear (?:forever|for good|for ever))\b"),
    ("wish_dead", r"\bwish(?:es|ed|ing)? (?:(?:that )?(?:he|she|they|i|id|hed|shed) )?(?:was|were|could be|had been|could|would|to be)? ?(?:dead|never born|not born|not alive|gone forever|not here|not around|never been born|die|disappear)\b"),
    # "doesnt want to be alive / here / live anymore", "doesnt want to wake up"
    ("not_want_alive", r"\b(?:dont|doesnt|didnt|do not|does not|not|no longer|never) (?:really )?(?:want|wants|wanna|wanting) (?:to )?(?:be alive|live|be here|exist|be on this earth|be in this world|wake up|be around|carry on living|go on living|be living)\b"),
    ("never_wake", r"\b(?:never|not|wont|doesnt|didnt) (?:ever )?wak(?:e|ing) up (?:again|ever)?"),
    ("sleep_forever", r"\bgo to sleep (?:and|&) (?:never|not) wake\b|\bsleep forever\b"),
    # "everyone would be better off / happier without me / if he wasnt around"
    ("better_off_without", r"\b(?:better|happier|easier|fine|ok|okay|alright) (?:off )?(?:without (?:me|him|her|them|us)|if (?:i|he|she|they) (?:just |simply |only |really )?(?:was|were|wasnt|werent|wasn t|was not|were not|died|was dead|was gone|wasnt here|wasnt around|didnt exist|never existed|was never born))"),
    ("better_off_dead", r"\b(?:better off|be better) dead\b"),
    ("no_point_living", r"\b(?:no|any|the|whats the|what is the) (?:point|reason|purpose) (?:in |of |to )?(?:being alive|living|life|going on|carrying on|being here|existing|staying alive|waking up|me being here|(?:him|her) being here)\b"),
    ("no_reason_to_live", r"\b(?:nothing|no reason|nobody|no one) (?:left )?to live for\b"),
    ("goodbye_note", r"\b(?:goodbye|good bye|suicide|farewell) (?:letters?|notes?|messages?|texts?|videos?)\b|\bsaying goodbye to (?:everyone|all (?:his|her) friends|people)\b"),
    # reported plan: "says she has a plan", "told me hes got a plan to ..."
    ("has_a_plan", r"\b(?:says|said|saying|told (?:me|us|her \w+|his \w+|\w+)|telling|admitted|wrote|written)(?: to me)?(?: that)? (?:he|she|they|i|hes|shes|theyve|ive)(?: has| have| had|s|ve)?(?: got| made)? (?:a|the) plan\b(?! (?:for|now|in place|to (?:get|go|apply|revise|study|start|move|do (?:his|her|my) (?:homework|revision))))"),
    ("plan_to_die", r"\bplan(?:s|ned|ning)? (?:to|how to|on how to|of how to) (?:kill|end|die|hang|jump|overdose|take (?:his|her|my|their) (?:own )?life|hurt (?:him|her|my|them)self)"),
    # attempts, including past ones
    ("tried_to", rf"\b(?:tried|trying|tries|try|attempted|attempting|attempt|attempts) (?:to )?(?:(?:kill|strangle|suffocate|drown|poison|hurt|harm|cut|burn) {SELF}|hang|end it|end (?:his|her|my|their) (?:own )?life|overdose|od|jump off|jump from|jump in front|throw {SELF}|take (?:his|her|my|their) (?:own )?life)\b"),
    ("attempt_word", r"\b(?:suicide|overdose) attempt\b|\battempted (?:suicide|overdose)\b"),
    ("overdose", r"\b(?:overdos\w*|took an od|taken an od|an od\b|odd on|od on|oded on|odeed|odd (?:last|on purpose|at|yesterday))"),
    ("pills_lethal", r"\bhow (?:many|much) (?:paracetamol|pills|tablets|painkillers|ibuprofen|sleeping pills|meds|medicine|insulin|melatonin|of (?:his|her|my|the|mums|dads) \w+)\b[^.?!]{0,25}\b(?:it takes|does it take|would it take|it would take|to take|to die|would kill|kill|until|till|before|is (?:lethal|deadly|fatal|too much|too many|an overdose)|to overdose|to od)\b|\b(?:lethal|fatal|deadly) (?:dose|amount|overdose)\b"),
    ("take_all_pills", r"\b(?:take|taking|took|taken|swallow|swallowed|swallowing|down|downed|downing) (?:all|the whole|a whole|the rest of|every one of|loads of|a load of|a handful of|handfuls of|a bottle of|a packet of|a box of|packets of|boxes of)(?: of)? (?:the |his |her |my |mums |dads |our |their |\w+s )?(?:\w+ )?(?:tablets|pills|meds|medication|medicine|paracetamol|painkillers|antidepressants|sleeping pills|melatonin|ibuprofen|insulin|inhalers?)\b"),
    ("search_ways_to_die", r"\b(?:ways|how|best way|easiest way|quickest way|painless way|painless ways) to (?:die|kill (?:your|him|her|my|them)self|end (?:it|your life|my life|his life|her life)|commit|hang|overdose)\b|\bpainless (?:death|way to go|ways to go)\b"),
    ("method_hanging", r"\b(?:noose|ligature|ligatures|belt (?:tied )?(?:round|around) (?:the |his |her |a |my )?(?:neck|banister|bannister|bannisters|banisters|door|rail|pole|hook|loft)|tied round the (?:banister|bannister|loft|door))\b"),
    ("method_jump", r"\bjump(?:ing|ed)? (?:off|from|in front of|out of) (?:a |the |that )?(?:\w+ ){0,2}?(?:bridge|car park|multi storey|roof|rooftop|building|cliff|cliffs|train|trains|tracks|motorway|flyover|balcony|tower|block of flats|window|lorry|bus|car)\b"),
    ("method_traffic", r"\b(?:step|steps|stepping|stepped|walk|walking|run|running|jump|jumping|throw|throwing|threw|lie|lying|lay) (?:(?:him|her|my|them)sel(?:f|ves) )?(?:out )?(?:in front of|under) (?:a |the |an )?(?:train|trains|car|cars|bus|buses|lorry|traffic|van|tram)\b|\b(?:lie|lying|lay) on the (?:train )?tracks\b"),
    ("giving_away", r"\bgave away (?:all )?(?:of )?(?:his|her|their|my) (?:\w+ ){0,3}?(?:things|stuff|games|toys|belongings|possessions|clothes|books|pets|cards|collection)\b[^.?!]{0,80}|\bwont need (?:them|it|these|this|that|those|any of (?:it|this|them)) (?:where|when) (?:hes|shes|im|theyre|he is|she is|i am) (?:going|gone)\b"),
    ("talks_of_dying", r"\b(?:talk|talks|talking|talked|going on|goes on|keeps on|obsessed|fixated|writing|writes|wrote|drawing|draws|drew) (?:\w+ )?(?:about|on) (?:dying|death|being dead|killing (?:him|her|them)self|suicide|not being (?:here|alive|around)|(?:his|her|their|my) (?:own )?funeral|wanting to die|going to heaven to be with)\b|\b(?:plan\w*|talk\w*|asked about|asking about|choosing|chose) (?:\w+ )?(?:his|her|their) (?:own )?funeral\b"),
    ("what_happens_when_die", r"\bwhat (?:happens|it feels like|it would feel like) (?:when|if) (?:you|we|people|i|he|she) (?:die|dies|died|were dead|was dead|kill)\b[^?!]{0,80}\b(?:low|sad|down|depress\w*|dark|quiet|withdrawn|hurts?|pain|wants?|worried|scared|not himself|not herself)\b"),
    ("goodbye_everyone", r"\b(?:sorry and goodbye|saying goodbye|said goodbye|say goodbye|goodbye to (?:everyone|everybody|all (?:his|her|of us)|us all|his friends|her friends|the family|me and)|bye forever|see you on the other side)\b(?![^.?!]{0,25}\b(?:at the end of term|leavers|year 6|school|nursery|for the summer|holiday))"),
    ("heaven", r"\b(?:want|wants|wanted|wanting|wanna|going|gonna|ready|wish\w*|asks? to|asking to|talks about going) (?:to )?(?:go (?:up )?to|be in|join \w+ in|be with \w+ in|go and be with \w+ in) heaven\b|\bto heaven to be with\b|\b(?:join|be with) (?:his|her|my) (?:\w+ )?(?:nan|nana|nanny|grandad|grandma|grandpa|mum|dad|brother|sister|friend) (?:in heaven|who died|up in the sky)\b"),
    ("might_as_well_be_dead", r"\bmight as well (?:be dead|die|not be here|not exist|not be alive|kill (?:my|him|her|them)sel(?:f|ves)|end it)\b|\b(?:cant|cannot|can not|doesnt|does not|dont|do not|cant) see (?:a|any) (?:future|point)(?: for (?:him|her|my|them)sel(?:f|ves)| for (?:me|him|her)| anymore| any more| at all| in (?:living|life|anything|going on))\b|\bsee no (?:future|point in (?:living|life|going on))\b"),
    ("hospital_after_tablets", r"\b(?:hospital|a and e|a&e|ambulance|icu|resus)\b[^.?!]{0,40}\b(?:after|because|for) (?:taking|swallowing|she took|he took|an overdose|tablets|pills)\b|\b(?:taking|took|swallowed|swallowing) (?:\w+ ){0,3}?(?:tablets|pills|paracetamol|meds|medication)\b[^.?!]{0,40}\b(?:hospital|a and e|a&e|ambulance|poison(?:ed|ing)?|stomach pumped)\b|\bstockpil\w* (?:his|her|their|my)? ?(?:meds|medication|tablets|pills|paracetamol)\b"),
    ("railway", r"\b(?:on|near|onto|along|by|at) the (?:railway|train) (?:line|lines|tracks|bridge)\b|\bon the (?:train )?tracks\b"),
    ("rope_loop", r"\b(?:rope|cord|belt|scarf|tie|wire|cable|charger|lead|dressing gown cord|shoelaces?)\b[^.?!]{0,30}\b(?:in a loop|loop|noose|round (?:his|her|their|my) neck|around (?:his|her|their|my) neck|tied to (?:the )?(?:banister|bannister|door|loft|beam|hook|bed|rail))\b"),
    ("something_stupid", r"\b(?:going to|gonna|might|will|ll|afraid|scared|worried|about to|feel like|want to|tempted to|could|do) (?:\w+ )?do(?:ing)? something (?:stupid|drastic|daft|to (?:my|him|her|them)sel(?:f|ves)|i (?:ll |will )?regret)\b"),
    ("disappear_forever", r"\bdisappear(?:ing|ed|s)? (?:forever|for good|for ever|off the face of the earth|and never (?:come|be) (?:back|found|seen))\b"),
    ("asks_about_dying", r"\b(?:hurt|hurts|painful|pain|feel like) to die\b|\bdoes dying hurt\b|\bwhat (?:its|it is|it would be|it feels) like to (?:die|be dead)\b"),
    ("edge_of", r"\b(?:stood|standing|stand|sat|sitting|sit|climbed|climbing) (?:on )?(?:the |a )?(?:edge|ledge|railing|railings|side) of (?:the |a )?(?:bridge|roof|cliff|platform|car park|building|balcony|window|multi storey|tracks)\b|\b(?:wanted|wants|want|going|gonna|threatened|threatening|said (?:hed|shed|he would|she would)) to jump\b(?! (?:on|in the (?:pool|puddles?)|rope|around|up and down|higher|on the trampoline))"),
    ("nobody_would_miss", r"\b(?:nobody|no one|noone|no body|none of you|nobody else) (?:would|will|wouldnt|is going to|would even) (?:miss|care|notice|be sad|cry)\b[^.?!]{0,30}\b(?:if|when|about)?"),
    ("not_worth_living", r"\b(?:life|living|it) (?:is|isnt|is not|s not|aint|isn t)(?: really)? (?:not )?worth (?:living|it anymore|it any more|going on|carrying on)\b|\bnot worth living\b|\bno (?:future|reason) for (?:me|him|her)\b"),
    ("burden", r"\b(?:a|such a|just a|the) burden (?:to|on|for) (?:everyone|everybody|us|you|the family|me|his family|her family|them|all of you)\b|\b(?:im|i am|hes|shes|he is|she is|feels like|feel like|thinks (?:hes|shes)|says (?:hes|shes)) (?:just )?(?:a|such a) burden\b"),
    ("giving_things_away", r"\bgiv(?:es|ing|en) (?:away )?(?:all )?(?:of )?(?:his|her|their) (?:\w+ ){0,2}?(?:things|stuff|belongings|possessions|toys|games|clothes|treasures|favourite \w+|pets?) away\b|\bgiv(?:es|ing|en) away (?:all )?(?:of )?(?:his|her|their) (?:\w+ ){0,2}?(?:things|stuff|belongings|possessions|toys|games|clothes|treasures|favourite \w+)\b"),
    ("end_life", r"\b(?:end|ending|ended|take|taking|took|took away) (?:my|his|her|their|your) (?:own )?life\b|\bend (?:it all|everything|things)\b(?! (?:with (?:the|this|that)|on a (?:high|good)))"),
    ("not_be_here", r"\b(?:wont|will not|isnt going to|is not going to|not going to) (?:be )?(?:here|around|alive) (?:much longer|for (?:much )?long|by|next|tomorrow|after)\b"),
])

# --- self-harm ---
# The bare words ("self harming") are a crisis, except in a question about a service route for
# self-harm that services already know about ("camhs closed the referral, hes still self
# harming, what now") with nothing new or acute in it: that is answered, with a referral offer.
_KNOWN_TO_SERVICES = (
    r"^(?=.*\b(?:camhs|referral|referred|waiting list|criteria|discharged|signposted|gp|cahms|the nurse)\b)"
    r"(?!.*\b(?:tonight|today|last night|this morning|just found|found|finding|cuts?|cutting|blood|bleed\w*|hospital|a and e|a&e|"
    r"deep|stitches|worse|worsening|escalat\w*|scared|terrified|suicid\w*|die|dying|dead|kill|again|new|arms?|legs?|wrists?|blades?|razors?)\b)"
)
_add("self_harm", CRISIS, [
    ("self_harm_word", r"\bself ?harm\w*|\bsh again\b|\bselfharm\w*"),
], unless=_KNOWN_TO_SERVICES)
_add("self_harm", CRISIS, [
    ("harming_self", rf"\b(?:hurting|hurts|harming|harms|harmed|cutting|cuts|cut|burning|burns|burnt|burned|scratching|scratches|scratched|biting|bites|bit|hitting|hits|punching|punches|punched|bruising|starving|starves|strangling|choking|injuring|injures|injured|mutilating) {SELF}\b"),
    ("cuts_on_body", r"\b(?:cuts|cut marks|slashes|scars|scratches|burns|burn marks|plasters|bandages|tally marks) (?:all )?(?:on|up|over|along|down|across|covering) (?:both of )?(?:his|her|their|my) (?:\w+ )?(?:arms?|legs?|wrists?|thighs?|stomach|tummy|belly|hips?|skin|body|forearms?)\b"),
    ("blades_hidden", r"\b(?:razor|razors|blade|blades|pencil sharpener blade|sharpener blades?)\b[^.?!]{0,50}\b(?:hidden|hiding|hid|hides|found|in (?:his|her) (?:room|bag|pencil case|drawer|pocket|bed)|taken out|took out|under (?:his|her))|\b(?:found|finding|find|hidden|hiding|hid|hides|keeps) (?:\w+ ){0,3}?(?:razors?|razor blades?|blades?)\b|\btaken? (?:the )?blades? out of\b|\bout of (?:a |the )?(?:pencil )?sharpeners?\b"),
    ("cutting", r"\b(?:been|started|start|starting|is|keeps?|was|still|back to|caught (?:him|her|them)|hes|shes|theyre|theyve been|has been|have been|is still) cutting\b(?! (?:up|out|down|back|in|off|through|corners|class|classes|lessons?|school|paper|hair|his hair|her hair|it fine|it close|the grass|shapes|food|meat|his food|her food|things|cards|toast))|\bcut(?:s|ting)? (?:his|her|their|my) (?:own )?(?:wrists?|arms?|legs?|thighs?|skin|stomach|tummy|forearms?)\b|\bcutting (?:his|her|their) (?:\w+ )?(?:arms?|legs?|wrists?|thighs?|skin)\b"),
    ("carving", r"\b(?:carv\w*|scratch\w*|etch\w*|scor\w*) (?:\w+ ){0,3}?(?:into|in|on) (?:his|her|their|my) (?:own )?(?:arms?|legs?|wrists?|thighs?|skin|hands?|stomach)\b"),
    ("hides_arms", r"\b(?:wont|will not|doesnt|refuses to|wouldnt|does not|didnt) (?:show|let (?:me|us|anyone) see|roll up) (?:me |us )?(?:his|her|their) (?:arms|legs|wrists|thighs|sleeves|stomach)\b|\bbloody (?:tissues|plasters|towels?|sheets|sleeves)\b|\bblood (?:on|in) (?:her|his|their) (?:sleeves?|sheets|tissues|towel|pyjamas|bin)\b"),
    ("head_banging", r"\bhead ?butt\w* (?:the |a )?(?:walls?|floor|doors?|windows?|radiators?|table)\b|\b(?:bangs|banging|bashes|bashing|hits|hitting) (?:his|her|their) head (?:on|against|off) (?:the |a )?(?:walls?|floor|doors?|windows?|radiators?|table|ground)\b"),
    ("blade_on_body", r"\bblades?\b[^.?!]{0,20}\b(?:on|to|against|into|across) (?:his|her|their|my) (?:\w+ )?(?:arms?|legs?|wrists?|thighs?|skin|stomach|tummy)\b"),
    ("long_sleeves", r"\blong sleeves\b[^.?!]{0,60}\b(?:summer|hot|heat|hide|hiding|cover|covering|wont take|plasters|cuts|marks|even)\b"),
    ("self_injury", r"\b(?:bit|bites|biting|bangs|banging|banged|bashes|bashing|hits|hitting|punches|punching) (?:his|her|their) (?:own )?(?:hands?|arms?|wrists?|fingers?|head|face|legs?)\b[^.?!]{0,40}\b(?:till|until|so hard|bleed|bled|blood|bruis\w*|marks?|raw|open|every day|against|on the|off the)\b"),
    ("punch_walls", r"\b(?:punch|punches|punching|punched|hits|hitting|hit|smashes|smashing|bangs|banging|banged) (?:the |a |his |her )?(?:walls?|doors?|windows?|mirrors?|glass)\b[^.?!]{0,50}\b(?:bleed|bled|blood|bloody|knuckles|broke|broken|bruis\w*|split|till|until|cut|stitches)\b"),
    ("skin_picking", r"\b(?:pick\w*|scratch\w*|bit|bites|biting|pull\w*|goug\w*|rub\w*|tear\w*|claw\w*) (?:at )?(?:his|her|their) (?:own )?(?:skin|scabs?|nails|lips|cuticles|arms|face|legs|hands|fingers)\b[^.?!]{0,20}\b(?:until|till|so (?:much|hard|badly)|and)\b[^.?!]{0,15}\b(?:bleed\w*|bled|blood|raw|open|scar\w*|infected)\b"),
    ("hair_pulling", r"\b(?:pulls?|pulling|pulled) (?:out )?(?:his|her|their) (?:own )?(?:hair|eyelashes|eyebrows) out\b[^.?!]{0,40}\b(?:bald|patches|bleed|till|until)\b|\bbald patches\b"),
    ("swallowing_objects", r"\b(?:swallowed|swallowing|swallows|eating|ate|eats) (?:a |some |the )?(?:batteries|battery|magnets|glass|bleach|washing tablets|screws|pins|blades?)\b"),
], unless=r"\b(?:by accident|accidentally)\b")

# --- sexual abuse and grooming ---
_add("sexual_abuse", CRISIS, [
    ("sexual_abuse_words", r"\b(?:raped?|raping|rapist|sexual(?:ly)? (?:abus\w*|assault\w*|touch\w*|harass\w*|exploit\w*|active with)|molest\w*|indecent\w*|paedophile|pedophile|paedo|nonce|child porn\w*|exposed (?:him|her)self|flash(?:ed|ing) (?:at )?(?:him|her|them|my))"),
    ("touched", rf"\b(?:touched|touches|touching|touch|fiddled with|fondl\w*|groped|groping|gropes) (?:{CHILD_OBJ}|me) (?:\w+ ){{0,3}}?(?:where|inappropriately|down there|in (?:her|his|their|my) (?:private|pants|knickers|bits|willy|bum|chest|vagina|penis|front|bottom)|on (?:her|his|my) (?:private|bits|bum|chest|bottom|breasts?|boobs?)|under (?:her|his) (?:clothes|pants|knickers|skirt)|inappropriate|that (?:she|he) didnt like|sexually)"),
    ("adult_touched", rf"\b(?:{ADULT}|{STAFF}|man|men|bloke|older (?:boy|lad|man|girl)|boy|lad|someone|somebody|stranger)s?\b[^.?!]{{0,30}}\b(?:touched|touches|touching|kissed|kisses|kissing|fondl\w*|grop\w*|licked|rubbed (?:him|her)self (?:on|against)) (?:{CHILD_OBJ}|me)\b(?! (?:on the (?:shoulder|arm|back|head|hand)|gently|goodnight|good night|goodbye|bye|hello|hi|on the cheek))"),
    ("photos_undressed", r"\b(?:photo\w*|pictures?|pics|video\w*|film\w*|record\w*|spy\w* on|watch\w*|peep\w*)\b[^.?!]{0,30}\b(?:in the (?:changing rooms?|toilets?|showers?|bath)|getting changed|undress\w*|naked|in (?:his|her|their) (?:pants|underwear|knickers|boxers))\b"),
    ("comes_in_room_at_night", r"\b(?:comes|came|coming|goes|went|going|sneaks|sneaked|creeps|crept|gets|got) (?:in|into) (?:her|his|their|my \w+s) (?:bed|bedroom|room)\b[^.?!]{0,30}\b(?:at night|in the night|when|while|after)\b"),
    ("shows_sexual_content", r"\b(?:show\w*|send\w*|sent|made (?:him|her|them) watch|making (?:him|her|them) watch) (?:him|her|them|my \w+|\w+) (?:\w+ )?(?:rude|dirty|porn\w*|sexual|adult|naked|nude|explicit|inappropriate|x rated) (?:videos?|pictures?|photos?|pics|films?|things|stuff|content|images?|messages?|clips?)\b|\b(?:explicit|rude|dirty|naked|nude|sexual|pornographic|x rated) (?:pictures|photos|pics|images|videos|messages|texts|snaps)\b|\bporn\w*\b"),
    ("made_to_do_things", r"\b(?:makes?|made|making|forces?|forced|gets|got) (?:him|her|them|me|my \w+) (?:do|touch|watch|look at) (?:things|stuff|something|it|him|her)\b[^.?!]{0,40}\b(?:doesnt like|didnt like|dont like|secret|bath|bed|bedroom|shower|private|naked|uncomfortable|wrong|not to tell)\b|\b(?:got|gets|getting|climbed|climbs|came|comes) (?:into|in) (?:her|his|their|my \w+s) bed\b"),
    ("online_messages_gifts", r"\b(?:keeps?|kept|been|always|constantly) (?:messag\w*|texting|snapchatting|dming|dm\w*|contacting|calling|ringing) (?:him|her|them|my \w+)\b[^.?!]{0,40}\b(?:buying|buys|bought|giving|gives|gave|sending|sends|sent|offering) (?:him|her|them) (?:gifts|presents|money|things|stuff|vouchers|credit|robux|vbucks|a phone|clothes|vapes|alcohol)\b"),
    ("sextortion", r"\b(?:blackmail\w*|sextort\w*|extort\w*)\b"),
    ("walks_in_on", r"\b(?:walks?|walking|walked|barg\w*|comes?|coming|came|keeps coming|keeps walking) in on (?:her|him|them|my \w+)\b[^.?!]{0,30}\b(?:shower|bath|toilet|changing|getting (?:dressed|changed)|undress\w*|naked|bedroom)\b"),
    ("touched_where", r"\btouched (?:him|her|them|me) where\b|\bwhere (?:she|he) didnt like\b|\bbad touch\w*|\binappropriate(?:ly)? touch\w*|\btouch\w* inappropriate"),
    ("private_parts", r"\bprivate (?:parts|bits|areas?|places?)\b(?![^.?!]{0,30}\b(?:pants rule|nhs|lessons?|pshe|rshe|body parts lesson))"),
    ("sexual_knowledge", r"\b(?:knows?|knowing|saying|says|said|talking|talks|drawing|draws|doing|acting out|copying) (?:\w+ ){0,3}?(?:things|stuff) (?:about|with) (?:sex|private|body parts|willies|willy|vaginas?|penis)\w*[^.?!]{0,40}\b(?:couldnt|shouldnt|should not|could not|wouldnt|doesnt|wouldnt) (?:know|have)|\bsexuali[sz]ed behaviou?r\b|\b(?:sexual|sex) (?:things|stuff|games?)\b"),
    ("clothes_off", rf"\bmade (?:{CHILD_OBJ}|me) (?:pull|take|took|get|strip|undress)\w* (?:down |off )?(?:his|her|their|my)? ?(?:trousers|pants|knickers|clothes|top|shorts|skirt|underwear)|\b(?:pull|take|get)(?:ed|s)? (?:his|her) (?:trousers|pants|knickers|underwear) (?:down|off)\b[^.?!]{0,60}\b(?:made|forced|told|older|man|boy|toilets?)"),
    ("photos_asked", r"\b(?:asking|asked|asks|wants|wanted|pressur\w*|getting|got|made|makes|forcing|forced) (?:\w+ ){0,3}?(?:for |to send |to take |send |sending )?(?:photos|pictures|pics|nudes|selfies|videos|images|snaps)\b[^.?!]{0,60}\b(?:of (?:her|him|them)self|naked|nude|underwear|body|not to tell|secret|delete|man|older|stranger|adult|online)|\b(?:nudes|sexting|sexts?|naked (?:photos|pictures|pics|selfies|videos|images))\b"),
    ("online_stranger", r"\b(?:a|some|this|an older) (?:man|men|guy|bloke|adult|stranger|person|boy|lad|woman)\b[^.?!]{0,40}\b(?:online|on (?:roblox|fortnite|minecraft|snapchat|snap|tiktok|instagram|insta|discord|whatsapp|xbox|playstation|ps\d|facebook|messenger|youtube|twitch|kik|omegle|telegram|the game|the internet|games?))\b[^.?!]{0,80}\b(?:photos|pictures|pics|meet|secret|not to tell|dont tell|address|school|gifts?|presents|money|vbucks|robux|messag\w*|talk\w*|asking|asked)"),
    ("grooming", rf"\bgroom(?:ing|ed|s)? (?:{CHILD_OBJ}|me)\b|\bbeing groomed\b|\b(?:is|was|think|thinks|worried|scared)(?: \w+){{0,3}} grooming\b"),
    ("older_partner", r"\b(?:boyfriend|girlfriend|bf|gf|man|guy|lad|bloke)\b[^.?!]{0,30}\b(?:is |hes |shes |whos |who is )?(?:in (?:his|her|their) (?:20s|twenties|30s|thirties|40s|late teens)|(?:19|2\d|3\d|4\d) ?(?:yrs?|years?)? old|much older|an adult|way older|older than (?:her|him) by)\b|\b(?:older|grown) (?:man|men|boyfriend|bloke)\b|\b(?:1[89]|[2-6]\d) ?(?:yr|year|yo|y)s?(?: old)? (?:man|men|bloke|guy|lad|boyfriend|bf|adult|woman|girlfriend|gf)\b"),
], unless=None)

# --- secrets and grooming signs: an adult telling a child to keep secrets ---
_add("abuse", CRISIS, [
    ("secret", rf"\b(?:our|their|a|his|her|your) (?:little |special |big )?secret\b|\b(?:keep|keeping|kept|keeps) (?:it |this |things |something |stuff )?(?:a |their |our )?secrets?\b|\b(?:told|tells|telling|said|says|asked|asking|warned|made) (?:{CHILD_OBJ}|me) (?:not to|never to|to never|to not|dont|he cant|she cant|not) (?:tell|say|mention|talk)\b|\bdont tell (?:mummy|mum|mom|daddy|dad|anyone|anybody|your (?:mum|mom|dad|parents|teacher)|mam|nan)\b|\bnot to tell (?:anyone|anybody|his mum|her mum|his dad|her dad|me|us|you|her parents|his parents)\b|\bpromise not to tell\b|\b(?:said|told|says|tells|warned|made) (?:\w+ )?(?:not to|never to) (?:tell|say)\b"),
    ("gifts_from_adult", rf"\b(?:{ADULT}|man|older man|older boys?|older lads?)\b[^.?!]{{0,40}}\b(?:giving|gives|gave|buys|buying|bought|sends|sending) (?:him|her|them|my \w+) (?:money|cash|presents|gifts|vapes|alcohol|drink|sweets|a phone|phones|credit|robux|vbucks)\b[^.?!]{{0,60}}\b(?:secret|late at night|not to tell|dont tell|wont say|messag\w*|alone|picks? (?:him|her) up)"),
    ("messages_late", r"\bmessag\w* (?:him|her|them|my \w+) (?:late at night|at night|all night|in the middle of the night|at \d ?am|privately|secretly|on (?:his|her) own phone)\b"),
])

# --- domestic abuse: violence or control against the parent ---
_add("domestic_abuse", CRISIS, [
    ("da_words", r"\b(?:domestic (?:abuse|violence)|\bdv\b|coercive control\w*|controlling behaviou?r|non molestation|restraining order|refuge|idva|marac|clares law)\b"),
    # "hits me", "throttled me", "pushed me down the stairs" ("push us elsewhere" is not violence)
    ("violence_to_me", r"\b(?:hits|hit|hitting|beats|beat|beaten|beating|punch\w*|kick\w*|slap\w*|strangl\w*|chok\w*|throttl\w*|smack\w*|spat at|spits at|spat on|headbutt\w*|head butt\w*|batter\w*|rapes?|raped|grabs|grabbed|pinned|drags|dragged|burnt|burned|bit|bites) (?:me|mum|mummy)\b(?! (?:off|out of the (?:way|running)|a (?:message|text|line|email)|up on|back on|to (?:the|go|do|get|make)|into (?:doing|it|applying|action)|in the right direction|for (?:a|an|the) \w+|with (?:a|the) (?:ball|pillow|balloon)|up for|hard with (?:the|a) (?:news|bill)))|\b(?:pushed|pushes|pushing|shoved|shoves|shoving|threw|throws|thrown|knocked|knocks|slammed|slams) (?:me|us) (?:down|over|into|against|onto|on to|off|out of|to the (?:floor|ground)|across|up against)\b(?! (?:the )?(?:waiting list|list|queue|priority|route|process))"),
    ("thrown_at_me", r"\b(?:threw|throws|throwing|thrown|hurled|hurls|lobbed|smashed) (?:\w+ ){1,3}?(?:at|over) (?:me|my (?:head|face)|us)\b|\b(?:who|that|and he|and she) (?:hurts|hits|beats|abuses|controls|scares|frightens|threatens|rapes|strangles|chokes|batters) me\b"),
    ("police_on_partner", rf"\b(?:call|called|calling|ring|rang|ringing|phone|phoned) (?:the )?police (?:on|about|because of) (?:my |him\b|her\b)(?:{ADULT})?"),
    ("hands_round_neck", r"\b(?:hands?|arms?|fingers?|belt|cord|rope) (?:round|around|on|over|across) (?:my|his|her|their|the babys|my \w+s) (?:neck|throat|mouth|face)\b(?! (?:for a (?:hug|cuddle)|to hug|in a hug))"),
    ("violent_partner", rf"\b(?:my |our |the kids |her |his )?(?:{ADULT}|he|she)\b (?:is|s|gets|can be|has been|was|becomes|turns|has got|is getting) (?:\w+ )?(?:violent|abusive|aggressive|controlling|scary|dangerous|threatening)\b(?! (?:when (?:he|she) (?:has|is having) a meltdown|in (?:his|her) meltdowns|during (?:a )?meltdowns?))"),
    ("violence_to_me_alt", r"\b(?:hits|punched|kicked|slapped|strangled|choked|throttled|shoved|grabbed) me\b|\bhit me\b(?! (?:up|back with|with (?:the|a) (?:news|bill|letter)))"),
    ("threatens_me", rf"\b(?:threaten\w*|threats?) (?:to )?(?:me|us|take the kids|take (?:my|the|our) (?:kids|children|son|daughter)|(?:kill|hurt|stab|burn|beat) (?:me|us|himself|herself|the kids))\b|\b(?:{ADULT}) (?:\w+ ){{0,4}}?(?:threaten\w*|threats)\b"),
    ("control", r"\b(?:checks|checking|goes through|reads|tracks|tracking) my (?:phone|messages|texts|emails|location|bank)\b|\b(?:takes|took|taken|keeps|kept|has|controls|control\w*) (?:my|all (?:my|the|our)) (?:bank ?cards?|cards?|money|wages|benefits|pip|dla|child benefit|carers allowance|keys|passport|phone)\b|\b(?:he|she|partner|husband|wife|boyfriend|girlfriend|ex)\b[^.?!]{0,40}\b(?:wont|doesnt|does not|will not|never) (?:let|lets|allow|allows) me (?:\w+ ){0,2}?(?:see|go out|go|leave|have|talk|speak|work|use|drive|visit|out)\b(?! (?:\w+ ){0,3}(?:ehcp|plan|report|meeting|paperwork|assessment|class|school|records|file|kids|children|son|daughter|child))|\b(?:never see|see) (?:the|my|our) (?:kids|children|son|daughter|baby) again\b|\bif (?:i|we) (?:ever )?(?:leave|left|go|went|tell)\b[^.?!]{0,40}\b(?:hell|shell|he will|she will|kill|hurt|take|never)\b"),
    ("afraid_of_partner", rf"\b(?:i|im|i am|i feel|ive been|i have been|i get|we|were|we are|i live in|living in) (?:\w+ ){{0,2}}?(?:scared|afraid|terrified|frightened|petrified|fear|in fear) (?:of|for my life|for my safety) ?(?:him|her|my (?:{ADULT}))?\b(?![^.?!]{{0,30}}\b(?:meltdowns?|when (?:he|she) (?:has|is having) a meltdown))|\b(?:the |my |our )?(?:kids|children|son|daughter) (?:are|is) (?:terrified|scared|frightened|petrified)(?: of (?:him|her|my \w+|their (?:dad|mum|stepdad)))?\b(?=[^?]{{0,20}}(?:$|[.,!]))"),
    ("hiding_from", r"\b(?:hide|hiding|hid|lock|locking|locked) (?:myself |ourselves |me )?(?:in the (?:bathroom|bedroom|toilet|car|room)|from (?:him|her|my (?:partner|husband|ex|boyfriend)))\b[^.?!]{0,40}\b(?:kids|children|baby|him|her|till|until|when)\b|\b(?:goes mad|gets violent|kicks off|turns nasty|gets nasty|gets angry|loses it|rages) when (?:hes|shes|he has|she has) (?:been )?(?:drinking|drunk|had a drink|on drugs|using)\b"),
    ("turns_up_threatening", r"\b(?:turn|turns|turning|turned|keeps turning|shows|showing|showed) up (?:at|outside) (?:the |my |our )?(?:house|door|school|work|flat|home)\b[^.?!]{0,60}\b(?:threat\w*|shout\w*|scream\w*|terrified|scared|frighten\w*|banging|kicking|wont leave|police)"),
])

# --- abuse of a child (physical, emotional, neglect) by anyone, and signs of it ---
_add("abuse", CRISIS, [
    ("in_danger", rf"\b(?:{CHILD_SUBJ}|child|kids|children|son|daughter|we|i|im|us|baby)\b[^.?!]{{0,20}}\b(?:is|are|am|m|s|in|be|being|been|feel|feels) (?:in )?(?:immediate |real |serious |grave |big )?danger\b(?! of\b)|\bat risk of (?:harm|significant harm|abuse|being (?:hurt|harmed|abused|groomed|exploited)|exploitation|suicide|self harm|sexual)\w*|\b(?:isnt|is not|not|doesnt feel|dont feel|does not feel|never feels?|wont be) safe (?:at home|at (?:his|her|their) (?:dads|mums|nans|grandads)|there|with (?:him|her|his|my|their|them)|around (?:him|her|his|my))\b"),
    ("abuse_word", r"(?<!substance )(?<!alcohol )(?<!drug )(?<!drugs )\babus(?:e|ed|es|ing|er|ers|ive)\b(?! (?:email|letter|reply|response|tone|review|phone call)s?\b)"),
    ("being_hurt", rf"\b(?:{CHILD_SUBJ}|i|im|we|were)(?:s)? (?:is |are |was |were |has been |have been |keeps |is still |might be |may be |could be |think (?:hes|shes|he is|she is) |am |m )?(?:being|getting|been) (?:hurt|harmed|hit|beaten|beaten up|abused|smacked|slapped|kicked|punched|strangled|choked|burnt|burned|locked in|starved|neglected|mistreated|assaulted|attacked|bitten|pinched|battered|whipped|tied up)\b"),
    ("adult_hurts_child", rf"\b(?:{ADULT}|he|she|they|someone|somebody|people|a man|a woman|an adult|adults|a grown up)\b[^.?!]{{0,30}}\b(?:hurts|hurt|hurting|harms|harming|harmed|abusing|punching|pinching|biting|burning|shaking|hits|hit|hitting|beats|beat|beating|smacks|smacked|smacking|slaps|slapped|slapping|punches|punched|kicks|kicked|kicking|strangles|strangled|chokes|choked|throttled|throws|threw|pinches|pinched|bites|bit|burns|burnt|burned|whips|whipped|belts|belted|shakes|shook|shoved|pushes|pushed) {CHILD_OBJ}\b(?! (?:{BODY}|up on|around at|a (?:ball|text|message)|(?:little |big |baby )?(?:brother|sister|sibling|twin|cousin|friend|classmate|teddy|toy|doll|cushion|pillow)s?)\b|(?: \w+)? (?:at|in) (?:football|rugby|netball|play|playtime|the playground|a game|games|pe|wrestling))"),
    ("marks_after_contact", rf"\b(?:marks|bruises|bruised|bruising|scratches|burns?|handprint|hand print|finger ?marks|red marks|black eye|cuts|welts|bite marks?)\b[^.?!]{{0,60}}\b(?:after|from|at|when (?:he|she) (?:comes|came|gets|got) back from|when (?:hes|shes) been (?:at|with)|coming back from|came back from|comes back from) (?:\w+ ){{0,2}}?(?:{FAMILY}|contact|weekends?|visits?|the weekend|(?:his|her|their) (?:{FAMILY}))\b|\b(?:comes?|came|coming) back (?:from (?:\w+ ){{0,4}})?with (?:marks|bruises|scratches|burns|a black eye|cuts|welts|injuries)\b"),
    ("handprint", r"\b(?:hand ?print|finger ?print|finger ?marks|slap marks?|belt marks?|grip marks?|bite marks?|cigarette burns?|rope marks?|ligature marks?)s? (?:on|across|round|around|up) (?:his|her|their|my \w+s)\b"),
    ("flinches", r"\bflinch(?:es|ed|ing)?\b[^.?!]{0,50}\b(?:when|every time|whenever|if|around|near|at)\b"),
    ("fear_of_adult", rf"\b(?:scared|afraid|terrified|frightened|petrified|fear) (?:of going |to go |to stay |of staying |to be left |of being left )?(?:back )?(?:to |at |with |of |around )?(?:his|her|their|my|our) (?:{ADULT})s?\b(?![^.?!]{{0,30}}\b(?:dog|cat|car|snoring|cooking|hoover|music|beard))|\b(?:refuses?|refusing|wont|doesnt want|does not want|begs not) (?:to )?(?:go|going|stay|staying|visit|visiting|be left) (?:to |at |with )?(?:his|her|their) (?:{ADULT})s?(?: house| place| flat)?\b[^.?!]{{0,60}}\b(?:cries|crying|screams|screaming|hides|hiding|terrified|scared|panics|shaking|wets|begs|sick|clings)\b"),
    ("wont_say_why", rf"\b(?:screams|screaming|cries|crying|hides|hiding|shakes|shaking|panics|freezes|terrified|scared|flinches|wets (?:him|her)self)\b[^.?!]{{0,60}}\b(?:when|whenever|every time|if|around) (?:\w+ ){{0,4}}?(?:hes|shes|he is|she is|they are|theyre|{ADULT}|uncle|comes|is) \b[^.?!]{{0,60}}\b(?:wont|doesnt|will not|cant|refuses to) (?:say|tell (?:me|us|anyone)|explain|talk about it) why\b|\b(?:wont|will not|refuses to) (?:say|tell (?:me|us)) why\b[^.?!]{{0,40}}\b(?:scared|terrified|screams|cries|hides|wont go)\b"),
    ("locked_in_home", rf"\b(?:locks|locked|locking|lock|shuts|shut|shutting) (?:{CHILD_OBJ}) (?:in|into|inside|out of) (?:his |her |their |the |a )?(?:room|bedroom|cupboard|shed|garage|bathroom|cellar|basement|car|garden|house|cage)\b|\b(?:locked|shut) (?:in|into) (?:his|her|their|the|a) (?:room|bedroom|cupboard|shed|garage|bathroom|cellar)\b[^.?!]{{0,40}}\b(?:all|hours|weekend|day|night|punishment)"),
    ("punishment_cruelty", rf"\b(?:makes?|made|making|forces?|forced) (?:{CHILD_OBJ}) (?:stand|kneel|sit|stay|sleep) (?:\w+ ){{0,4}}?(?:for hours|all (?:day|night)|outside|in the (?:corner|cold|dark|garden|shed|bath))\b|\b(?:wont|doesnt|didnt|dont|does not|will not|refuses to) (?:let (?:him|her|them) (?:eat|have (?:any )?(?:food|tea|dinner|breakfast|a drink|water))|feed (?:him|her|them))\b|\b(?:no|without) (?:food|tea|dinner|meals?) (?:as (?:a )?punishment|for (?:days|a day|the day|the weekend))\b|\bstarv(?:e|es|ed|ing) (?:him|her|them|my \w+)\b"),
    ("emotional_abuse", rf"\b(?:tells?|told|telling|calls?|called|calling|says|said|saying|screams?) (?:{CHILD_OBJ}|me) (?:that )?(?:(?:hes|shes|theyre|im|he is|she is|they are|a|an|is|was) )?(?:\w+ )?(?:worthless|a waste of space|useless piece|disgusting|a mistake|unwanted|unloved|nobody wants (?:him|her)|(?:he|she) should never have been born|(?:he|she) should (?:die|be dead|kill)|a retard|retarded|a freak|subnormal|evil|the devil|possessed)\b|\bwish(?:es|ed)? (?:(?:he|she|they) (?:was|were|had) )?never (?:been )?(?:born|had (?:him|her|them))\b"),
    ("drag_by_hair", r"\bby (?:his|her|their|the) (?:hair|neck|throat|ears?|collar|hood)\b|\b(?:pulls?|pulled|pulling|yanks?|yanked|grabs?|grabbed) (?:\w+ ){0,2}?(?:his|her|their) (?:hair|neck|throat|ears?)\b"),
    ("neglect_home", rf"\b(?:left|leaves|leaving) (?:{CHILD_OBJ}|a \d+ (?:yr|year) old|the baby)(?: \w+){{0,2}} (?:alone|on (?:his|her|their) own|home alone|in the car|unattended)\b[^.?!]{{0,40}}\b(?:all (?:day|night)|overnight|for (?:hours|days|the weekend)|while (?:she|he|they) (?:go|goes|went|drink|drinks)|drunk)"),
    ("neglect_signs", rf"\b(?:filthy|dirty|unwashed|smelly|stinks|stinking|starving|ravenous|famished|no clean clothes|same clothes|nappy (?:not changed|soaked|full)|not been fed|hasnt been fed|no food)\b[^.?!]{{0,60}}\b(?:comes?|came|gets?|got|coming|getting) (?:home |back )?from (?:his|her|their) (?:{FAMILY})s?\b|\b(?:comes?|came|gets?|got|coming|getting) (?:home |back )?from (?:his|her|their) (?:{FAMILY})s?\b[^.?!]{{0,60}}\b(?:filthy|dirty|unwashed|smelly|stinks|stinking|starving|ravenous|famished|no food|not fed|hasnt been fed|hungry|same clothes|nits|lice|nappy)\b|\b(?:not being|isnt being|wasnt being|never) fed\b|\b(?:doesnt|dont|wont|didnt|never) (?:feed|wash|change|bathe) (?:him|her|them|the baby|the kids)\b(?! (?:\w+ )?(?:vegetables|fish|meat|sweets|after|before))"),
    ("adult_drunk_caring", r"\b(?:too drunk|always drunk|drunk again|off (?:his|her) face|passed out drunk|high on|using drugs|takes drugs|on drugs)\b[^.?!]{0,60}\b(?:kids|children|baby|looking after|contact|weekend|in charge|drives? (?:them|him|her))"),
    ("adult_luring", r"\b(?:man|men|woman|neighbour|neighbours|stranger|strangers|bloke|guy|adult|older (?:boy|lad|man))\b[^.?!]{0,60}\b(?:asking|asks|asked|invit\w*|tries to get|trying to get|wants|wanted|tried to get|lure\w*|luring) (?:him|her|them|my \w+) (?:to come )?(?:in|inside|round|over|into (?:his|her|the|their) (?:house|flat|car|van|garden|shed)|back to (?:his|hers|her|their)|to (?:his|her|their) (?:house|flat|place)|to meet)\b"),
    ("scared_to_go_home", r"\b(?:scared|afraid|terrified|frightened|petrified|doesnt want|does not want|wont|refuses|refusing) (?:of going|to go|to come|of coming|going|coming) (?:back )?home\b(?![^.?!]{0,20}\b(?:from (?:the )?(?:holiday|party|trip|residential)|early))"),
    ("injury_from_family", rf"\b(?:came|comes|come|coming|got|gets|get) (?:home |back )?from (?:\w+ ){{0,2}}?(?:{FAMILY}|contact|the weekend|a visit)\b[^.?!]{{0,30}}\bwith (?:a |an |some |loads of |lots of )?(?:\w+ )?{INJURY}\b"),
    ("hurts_her", rf"\b(?:{ADULT}|mummys boyfriend|stepdad|uncle|grandad|he|she)\b[^.?!]{{0,20}}\b(?:hurts|hurt|hurting) (?:her|him|me|them)\b(?! (?:{BODY}|to|when (?:he|she) (?:walks|eats|moves|sits))\b)"),
], unless=ACCIDENT_ONLY)

# --- restraint, seclusion and injury in a school or care setting ---
_SETTING_CTX = rf"\b{SETTING}\b"
_add("restraint_injury", CRISIS, [
    ("held_down", rf"\b(?:held|holds|holding|hold|pinned|pins|pinning|pin|sat|sits|sitting|kneel\w*|knelt|lay|lain|laid|lying|lie) (?:on )?(?:{CHILD_OBJ}|[a-z]+s? (?:son|daughter))? ?(?:down|on the (?:floor|ground)|to the (?:floor|ground|wall)|against (?:the|a) (?:wall|floor|door|window)|face down)\b"),
    ("sat_on", rf"\b(?:sat|sits|sitting|knelt|kneeling|kneels|lay|laid|lying|lies) (?:on|across) (?:top of )?(?:{CHILD_OBJ})\b(?! own\b)"),
    ("restrained", r"\b(?:restrain|restrains|restrained|restraining|physically (?:held|moved|removed|handled|carried|intervened|restrained|manhandled)|manhandl\w*|prone (?:restraint|position|hold)|face down)\b(?:[^.?!]{0,40}\b(?:him|her|them|my \w+|he|she|hes|shes|for|face|again|today|yesterday|times|\d+ (?:mins?|minutes|hours|times)|and|by|until|till|so hard|couldnt|cant))?"),
    ("was_restrained", rf"\b(?:{CHILD_SUBJ}|son|daughter)(?:s)? (?:was |were |got |has been |have been |is being |keeps getting |being |been |is )?(?:restrained|held down|pinned|sat on|dragged|carried out|secluded|locked in|shut in|manhandled)\b"),
    ("dragged", rf"\b(?:drag|drags|dragged|dragging|yanked|yanks|yanking|hauled|hauling|pulled|pulling|grabbed|grabbing|grabs|grab) (?:{CHILD_OBJ}|[a-z]+s? (?:son|daughter))(?:s)?\b(?:[^.?!]{{0,30}}\b(?:by|arm|arms|wrist|wrists|hand|collar|hood|hair|neck|along|across|into|out|up|down|through|off|to|from|corridor|room))?"),
    ("grabbed_arm", r"\b(?:grab\w*|yank\w*|twist\w*|squeez\w*|pinch\w*|grip\w*) (?:\w+ ){0,2}?(?:his|her|their|my sons|my daughters|my \w+s) (?:arms?|wrists?|hands?|neck|face|shoulders?|legs?|hair|ears?|jumper|clothes)\b"),
    ("shut_in", rf"\b(?:locked|locks|locking|shut|shuts|shutting|wedged|barricaded|trapped|traps|trapping) (?:{CHILD_OBJ}) (?:in|into|inside)\b"),
    ("locked_room", rf"\b(?:locked|locks|locking|lock|shut|shuts|shutting|wedged|wedges|wedging|barricaded|blocked|held|holding|holds|kept|keep|keeps|leaves|left|put|puts|putting) (?:{CHILD_OBJ} )?(?:in|into|inside) (?:a |the |an |his |her )?(?:room|cupboard|office|cage|booth|box|store ?room|calm room|quiet room|safe space|sensory room|isolation room|isolation booth|seclusion room|padded room|side room|corridor|toilets?|tent|pod)\b[^.?!]{{0,60}}\b(?:on (?:his|her|their) own|alone|locked|lock|door|couldnt get out|cant get out|no way out|for hours|all day|for \d+|screaming|by (?:him|her)self|lights? off|in the dark)|\b(?:held|holding|holds|wedged|wedging|wedges|blocked|blocking|blocks|barricaded|leaned on|leaning on|stood against) the door\b(?:[^.?!]{{0,30}}\b(?:shut|closed|so|couldnt|cant|on him|on her))?|\b(?:locked|locking|locks|shut|shuts|slammed) the door on (?:him|her|them)\b|\b(?:locked|locking|locks|shut|shuts) the door\b[^.?!]{{0,40}}\b(?:couldnt|could not|cant|cannot|wasnt able to|not able to|wouldnt let (?:him|her|them)|wont let (?:him|her|them)) (?:get out|leave|escape|open it|come out)\b|\b(?:{STAFF}|they|school)s? (?:\w+ )?(?:locked|lock|locks|locking) (?:the|a) (?:door|room)\b|\b(?:couldnt|could not|cant|cannot|wasnt able to|not able to) get out\b"),
    ("isolation_harsh", r"\b(?:isolation|seclusion|exclusion room|booth|quiet room|calm room|inclusion room|the unit)\b[^.?!]{0,60}\b(?:no (?:toilet|loo|break|breaks|lunch|food|water|drink)|not allowed (?:to )?(?:the )?(?:toilet|loo|out|a drink|lunch)|wont let|wet (?:him|her)self|soiled|on (?:his|her) own for)\b"),
    ("isolation_long", r"^(?!.*\b(?:is it (?:legal|lawful|allowed|ok|okay|normal|right)|can (?:they|school|schools|a school|the school)|are (?:they|schools) allowed|is (?:that|this) (?:legal|allowed|ok|normal)|allowed to)\b).*\b(?:isolation|seclusion|exclusion room|booth|inclusion room)\b[^.?!]{0,60}\b(?:all day|every day|for days|for hours|whole day|all week|for weeks|\d+ days)\b"),
    ("toilet_denied", r"\b(?:no (?:toilet|loo|bathroom) (?:breaks?|trips?|access)|(?:wont|will not|didnt|did not|dont|do not|wouldnt|refuse to|refused to|refusing to|not) (?:let|allow|allowing|allowed|letting) (?:him|her|them|my \w+)? ?(?:to )?(?:go to|use|visit|go) (?:the )?(?:toilet|loo|bathroom|toilets)|(?:isnt|wasnt|not|never) allowed (?:to go )?(?:to )?(?:the )?(?:toilet|loo|bathroom))\b"),
    ("staff_hurt_child", rf"\b(?:{STAFF})s?\b[^.?!]{{0,30}}\b(?:hit|hits|hitting|slapped|slaps|smacked|smacks|punched|kicked|pushed|pushes|shoved|shoves|threw|throws|pinched|pinches|shook|shakes|scratched|bit|bites|strangled|choked|grabbed|grabs|twisted|yanked|yanks|manhandled|hurt|hurts|assaulted|attacked|tripped|slammed|kneed|elbowed|stamped on|sat on|lay on|spat at|force fed|forced|tied|taped|strapped) (?:{CHILD_OBJ}|[a-z]+s? (?:son|daughter))\b"),
    ("separate_room", rf"\b(?:keep|keeps|kept|keeping|put|puts|putting|leave|leaves|left|leaving|sit|sits|sat|send|sends|sent) (?:{CHILD_OBJ}) (?:in|into|outside|out in) (?:a|the|an) (?:\w+ )?(?:room|office|corridor|booth|cupboard|space|area|cubicle|pod|tent|hall|hallway|portakabin|unit)\b[^.?!]{{0,40}}\b(?:all day|all morning|all afternoon|all week|every day|for hours|on (?:his|her|their) own|alone|for days|\d+ hours|by (?:him|her)self|with no one|with nobody|away from everyone)\b"),
    ("restraint_holds", r"\b(?:head ?lock|arm ?lock|choke ?hold|strangle ?hold|neck hold|basket hold|bear hug|prone hold|floor hold|wrap hold|t wrap|figure of four)s?\b|\b(?:taped|tied|gagged|cable tied|zip tied|handcuffed|cuffed) (?:up )?(?:his|her|their|him|her|them|my \w+)(?: \w+)? ?(?:mouth|hands|arms|legs|feet|wrists|up|down|to)\b|\bstrapped (?:him|her|them) (?:down|to (?:a|the) (?:chair|table|bed))\b"),
    ("couldnt_breathe", r"\b(?:couldnt|could not|cant|cannot|can not|wasnt able to|struggling to|struggled to) breathe\b|\bturned (?:blue|grey)\b"),
    ("injured_at_setting", rf"(?:{_SETTING_CTX}[^?!]{{0,120}}\b(?:bruis\w*|marks? on|left (?:a |some )?marks?|red marks|scratch(?:es|ed)|cut lip|split lip|fat lip|black eye|bloody nose|lump on|bump on|egg on (?:his|her) head|carpet burns?|friction burns?|burns? on|concussion|head injury|injur\w*|hurt (?:his|her) (?:head|neck|back|arm|wrist)|blood|bleeding|bled|broken|fractur\w*|sprain\w*|dislocat\w*|stitches|(?:taken|went|go|gone|had to go|ended up|rushed|ambulance) (?:to |in )?(?:hospital|a and e|a&e)))|(?:\b(?:bruis\w*|marks? on|left (?:a |some )?marks?|red marks|scratch(?:es|ed)|cut lip|split lip|fat lip|black eye|bloody nose|lump on|bump on|carpet burns?|burns? on|concussion|head injury|injur\w*|blood|bleeding|bled|fractur\w*|dislocat\w*|stitches)\b[^?!]{{0,120}}{_SETTING_CTX})"),
    ("sent_home_injured", r"\b(?:sent|send|put) (?:him|her|them|my \w+) (?:home|on the (?:bus|taxi) home)\b[^.?!]{0,40}\b(?:injured|hurt|bleeding|with (?:a|an) (?:injury|cut|bruise|lump|bump|head injury|concussion))\b|\b(?:injured|hurt|bleeding|concussed)\b[^.?!]{0,40}\bsent (?:him|her|them) home\b"),
    ("nobody_told_me_injury", r"\b(?:came|comes|come|got|picked (?:him|her) up|collected (?:him|her))\b[^.?!]{0,40}\bwith (?:a |an )?(?:lump|bump|bruises?|black eye|cut|burn|injury|injuries|marks?|scratches|bite|head injury)\b[^?!]{0,80}\b(?:nobody|no one|noone|didnt|did not|never|couldnt|could not|no explanation|cant explain|wont explain|not told|no accident form|no incident form)\b"),
], unless=ACCIDENT_ONLY)

# --- injury with no setting named (blood, head injury, burns no one explains) ---
_add("injury", CRISIS, [
    ("blood", r"\b(?:there was blood|covered in blood|blood (?:everywhere|all over|on (?:his|her|the)|from (?:his|her))|bleeding|bled|bleed|bloodied|bloody (?:nose|lip|mouth|face|knuckles|hands?))\b(?! (?:test|tests|sugar|results?|pressure|glucose|count))"),
    ("head_injury", r"\b(?:head injury|head injuries|concussion|concussed|knocked (?:out|unconscious)|lost consciousness|unconscious|banged (?:his|her|their) head|hit (?:his|her|their) head|cracked (?:his|her) head|split (?:his|her) head)\b"),
    ("unexplained", r"\b(?:burn|burns|bruise|bruises|bruising|injury|injuries|marks|cut|cuts|lump|bump|fracture|broken \w+)\b[^.?!]{0,50}\b(?:no one|nobody|noone|none of them|they|staff|he|she|school) (?:can|could|cant|couldnt|would|wouldnt|will|wont|did|didnt)(?:nt)? (?:explain|say how|tell me how|tell me what happened|say what happened|account for|say)\b(?: how)?|\bunexplained (?:bruis\w*|marks|injur\w*|burns?|cuts)\b|\bno (?:explanation|idea how|one knows how|body knows how)\b[^.?!]{0,40}\b(?:bruis\w*|marks|injur\w*|burns?|cuts?)\b"),
    ("fresh_injury_marks", r"\b(?:bruises|bruising|black and blue|red marks|marks|scratches|welts) (?:all )?(?:on|all over|up|down|round|around|across) (?:both of |both )?(?:his|her|their) (?:\w+ )?(?:arms?|legs?|wrists?|neck|face|back|body|chest|ribs|throat|cheeks?|ears?|thighs?|bum|bottom)\b"),
], unless=ACCIDENT_ONLY)

# --- a missing child ---
_add("missing_child", CRISIS, [
    ("nobody_knows_where", r"\b(?:nobody|no one|noone|no body|none of us|we dont|i dont|they dont|school dont|we do not|i do not|they do not|dont|do not|no idea|not sure|cant work out) (?:\w+ )?(?:knows?|know) where (?:he|she|they|my \w+|hes|shes|theyve|he has|she has) (?:is|are|gone|went|has gone|have gone|s gone|ve gone|might be|could be)?\b"),
    ("not_come_home", r"\b(?:hasnt|has not|havent|have not|didnt|did not|never|not|still not|still hasnt|isnt|is not|wasnt|still isnt|hes not|shes not) (?:yet )?(?:come|came|got|gotten|been|arrived|returned|turned up|made it) (?:home|back)(?! (?:from (?:the|his|her) (?:holiday|trip|residential) yet\b)|(?: \w+)? (?:to me|with)\b)"),
    ("not_home_yet", r"\b(?:not|isnt|still not|hasnt got) (?:home|back) yet\b[^?!]{0,60}\b(?:\d|pm|am|midnight|hours|late|dark|phone|answering|should have|was meant|supposed)\b|\b(?:should|supposed to|meant to) (?:have )?(?:be|been) (?:home|back) (?:by|at|hours ago|ages ago)\b"),
    ("cant_find", rf"\b(?:cant|cannot|can not|couldnt|could not|unable to|cant seem to) find (?:him|her|them|{MY_KID})\b(?=\s*(?:[.,!?;]|$|anywhere|and|now|since|at all|for|in|after|they|he|she|we|i|nowhere|the|at|outside|on|because))(?! (?:for|in|on|at|the) (?:a|an|any|the|his|her) (?:school|place|club|activity|placement|provision|college|support|therapist))"),
    ("missing_word", r"\b(?:is|s|has gone|gone|went|been|goes|go|going|reported|report (?:him|her)|reported (?:him|her)|still|now|currently|officially|been reported|keeps going|kept going) missing\b(?! (?:his|her|their|my|the|out|a|an|lessons?|school|class|classes|days|some|so|from (?:the )?(?:class|photo|register|list|picture|team|group|line ?up|lesson|school|website|page)|pe|breakfast|lunch|meals?|work|homework|deadlines?|appointments?|sessions?|friends|home ?work|it|them|you|mum|dad|out on|paperwork|pages?|info|information|items?|equipment|kit|\w+ (?:lessons?|school|class|sessions?)))|\bmissing (?:since|for (?:\d|over|more than|hours|a day|two|three|the night|days)|overnight|all night|from (?:home|school|care|the house|respite|residential|the unit|his bedroom|her bedroom))\b|\bmissing person\b|\bmispers\b"),
    ("police_looking", r"\bpolice (?:are |have been |were |is )?(?:out )?(?:looking|searching|out looking|out searching|hunting) for\b|\b(?:search|searching) (?:party|the area|the woods|the streets)\b|\b(?:called|rang|phoned|ringing|calling) (?:the )?police\b[^.?!]{0,40}\b(?:missing|gone|not home|cant find|looking)\b"),
    ("gone_since", r"\b(?:been gone|gone out|went out|left)\b[^.?!]{0,30}\b(?:since (?:this morning|last night|yesterday|lunch|\d|early|school)|all night|overnight|for (?:hours|\d+ hours|two days|days))\b[^?!]{0,60}\b(?:not|isnt|hasnt|no one|nobody|cant|phone|answer\w*|worried|scared|police|where)\b|\b(?:been gone|has been gone) (?:since|for|all)\b"),
    ("not_answering", r"\b(?:not|isnt|is not|wont|still not|hasnt been|stopped) (?:answering|picking up|responding|replying)\b[^?!]{0,60}\b(?:midnight|\d ?(?:am|pm)|\d(?:am|pm)|hours|late|since|last night|all (?:day|night)|its (?:dark|late)|not home|hasnt come|out)\b|\bphone (?:is |keeps )?(?:off|dead|switched off|(?:going|goes|went|go) (?:straight )?to voicemail|ringing out|rings out)\b[^?!]{0,60}\b(?:not home|hasnt come|not back|late|\d|pm|midnight|dark|since|hours|autistic|doesnt know)\b|\b(?:hasnt come|not home|not back)\b[^?!]{0,60}\bphone (?:is )?(?:off|dead|switched off)\b"),
    ("never_turned_up", r"\b(?:he|she|they|hes|shes|my (?:son|daughter|child|boy|girl|lad))\b(?: (?:has|have))? (?:never|didnt|did not|hasnt|has not|not) (?:turned|turn|showed|show) up\b"),
    ("ran_away", r"\b(?:ran|run|runs|running|has run|ran off|gone off|went off) (?:away|off) (?:from (?:home|school|the house|respite|care|residential|the unit|his placement|her placement|the home)|again and|and (?:we|i|they|nobody|no one) (?:cant|couldnt|cannot|dont|didnt))\b|\bran away\b(?! (?:with (?:the|a|it|first|his|her)|from (?:the|a) (?:dog|bee|wasp|spider|hoover|noise)))|\b(?:absconded|absconding|escaped|got out|slipped out|climbed (?:over )?(?:the|a) (?:fence|wall|gate))\b[^?!]{0,80}\b(?:looked everywhere|cant find|nobody knows|no one knows|missing|gone|police|not back|hasnt come|still out|road|nowhere|where he is|where she is)\b|\b(?:looked|searched|checked) everywhere(?! for (?:a|an|the|his|her|my|their|some|any|info|information|help|advice|support|answers?))\b"),
    ("still_not_back", r"\bstill (?:isnt|is not|not|hasnt|has not|wasnt|aint|arent|are not) (?:back|home|in|come (?:home|back)|returned|turned up)\b|\b(?:isnt|is not|not|arent) (?:back|home) yet\b"),
    ("not_home_late", r"\b(?:isnt|is not|not|hasnt got|still not|arent|are not|wasnt) (?:home|back)\b[^?!]{0,60}\b(?:\d ?pm|\d{1,2}(?::\d\d)? ?(?:pm|at night)|midnight|its (?:late|dark|gone \d|\d)|gone (?:\d|midnight|dark)|hours late|in the night)\b"),
    ("not_seen_since", r"\b(?:nobody|no one|noone|none of us|none of (?:his|her|their) friends|(?:his|her|their) friends|they|we|i|school|staff) (?:has |have |had )?(?:not |havent |hasnt |hadnt |never )?(?:seen|heard from|heard anything from) (?:him|her|them|my \w+)\b[^.?!]{0,20}\b(?:since|for (?:hours|\d|two|three|a day|days)|all (?:day|night|evening)|in hours|in days)\b"),
    ("has_disappeared", r"\b(?:hes|shes|he has|she has|theyve|they have|my \w+ has|my \w+s|\d+ ?(?:yr|year|yo)\w* old has) (?:just )?(?:disappeared|vanished|gone missing|gone awol|run off|taken off|run away|bolted|wandered off|gone off)\b(?! (?:with (?:my|the|his|her) (?:keys|phone|remote|toy|toys|ball|sweets|food|ipad|tablet|shoes?|hat|coat|charger)|to (?:his|her) room|upstairs|to play|to school|to college|to bed|to his dads|to her dads))"),
    ("not_been_seen", r"\b(?:hasnt|has not|havent|have not|not|wasnt|werent) been (?:seen|heard from|heard of)\s+(?:since|for|all|in)\b"),
    ("wandered_off", r"\b(?:wandered|wanders|wandering|bolted|bolts|ran|run|runs|slipped|got) (?:off|away|out)\b[^?!]{0,60}\b(?:cant find|couldnt find|cannot find|nowhere to be (?:seen|found)|no sign of|looked everywhere|searched everywhere|police|still missing|not back|hasnt come)\b"),
    ("out_all_night", r"\b(?:stayed|staying|stays|was|been|out) out all night\b|\bout all night\b|\b(?:stay\w*|out) out overnight\b|\bout overnight\b|\bdidnt come home last night\b"),
])

# --- child exploitation (criminal and sexual): county lines and its signs ---
_add("exploitation", CRISIS, [
    ("county_lines", r"\bcounty lines?\b|\bcuckoo\w*\b|\btrap house\b|\bplugging\b|\bdrug (?:running|runner|runners|mule|dealer|dealers|deal|dealing)\b|\b(?:dealing|selling|holding|carrying|plugging) (?:drugs|weed|cannabis|coke|cocaine|crack|pills|gear)\b"),
    ("second_phone", r"\b(?:second|another|extra|new|spare|cheap|burner|other|different) phones?\b[^.?!]{0,40}\b(?:i|we) (?:didnt|did not|never|havent) (?:buy|bought|give|gave|get|got)\b|\bburner (?:phones?|sims?)\b"),
    ("cash_and_bags", r"\b(?:wads?|rolls?|bundles?|loads|lots|stacks?|piles?|large amounts?|a lot) of (?:cash|money|notes|twenties|fifties)\b|\b(?:little|small|tiny|plastic|snap|zip|clear) ?(?:bags|baggies|packets|wraps)\b[^.?!]{0,40}\b(?:in|under|hidden|found|school bag|pocket|bag|room)\b|\bbaggies\b|\bscales\b[^.?!]{0,30}\b(?:room|bag|hidden|found)\b"),
    ("carrying_for_older", r"\b(?:carry|carrying|carries|carried|deliver|delivering|delivers|delivered|drop|dropping|drops|hold|holding|holds|hide|hiding|hides|take|taking|move|moving|run|running|look after|looking after|keep|keeping) (?:\w+ ){0,2}?(?:stuff|things|packages?|parcels?|bags?|items|drugs|money|cash|phones?|something|\w+) (?:off |round |around )?for (?:some |these |the |older |big |his |her |other |a |an )?(?:older|big|bigger|adult|grown|\w+ older)? ?(?:lads|boys|men|guys|kids|teens|man|lad|boy|guy|people|bloke|blokes|friends?|mates?)\b|\bolder (?:lads|boys|men|guys|kids|teens|teenagers|man|lad|boy|guy|people|friends|youths)\b[^?!]{0,80}\b(?:carry|carrying|cash|money|jobs?|owe|owes|debt|drugs|pick (?:him|her) up|picks (?:him|her) up|car|giving (?:him|her)|gave (?:him|her)|buying|bought|trainers|clothes|new|gifts?|presents|alcohol|booze|drunk|drinking|smok\w*|hanging around|parcels?|packages?|phones?|late|2am|night|nights|hooded|weed|vapes?|threat\w*)\b|\b(?:hanging|hangs|hung|hanging out|going|goes) (?:around|about|round|out) with (?:older|much older|grown) (?:\w+ )?(?:lads|boys|men|guys|kids|teens|teenagers|people|friends|youths|girls|man|lad)\b"),
    ("made_to_carry", r"\b(?:lads|boys|men|guys|older \w+|gang|some \w+|they|people)\b[^.?!]{0,40}\b(?:make|makes|made|making|get|gets|got|getting|ask|asks|asked|asking|pay|pays|paid|paying|use|uses|used|using|tell|tells|told|force|forces|forced) (?:him|her|them|my \w+) (?:to )?(?:hold|carry|deliver|drop off|drop|take|sell|move|hide|keep|run|stash|look after|mind)\b(?: (?:\w+ )?(?:stuff|things|bags?|packages?|parcels?|drugs|money|cash|phones?|it|for))?"),
    ("wont_say_where", r"\b(?:wont|will not|refuses to|doesnt|didnt|wouldnt|never) (?:say|tell (?:me|us|anyone)|explain) where (?:hes|shes|he has|she has|theyve|he|she|theyre|the money|it|its|the stuff|the phone) (?:been|goes|going|gets it|got it|from|come from|comes from|came from|getting it)\b"),
    ("adults_giving", r"\b(?:men|man|older \w+|lads|guys|adults?|blokes?|strangers?)\b[^.?!]{0,30}\b(?:giving|gives|gave|offering|offers|buying|bought|buys|getting|got) (?:him|her|them|my \w+) (?:free )?(?:lifts|rides|alcohol|drink|drinks|vodka|drugs|weed|vapes|cigarettes|fags|money|cash|gifts|presents|phones?|trainers|clothes)\b"),
    ("picked_up_by_adult", r"\bpicked up (?:by|in) (?:a|an|some|this|older|the same|these|different) (?:\w+ ){0,2}?(?:man|men|guy|guys|bloke|blokes|lads?|boys?|adults?|strangers?|people|car|cars|van)\b|\b(?:strange|older|unknown|random|different|grown)? ?(?:man|men|guy|guys|bloke|blokes|adults?) in (?:a|an|his|their|the|flash|fancy|posh|blacked out) (?:\w+ )?(?:car|cars|van|motor)\b|\b(?:gets?|getting|got) (?:in|into) (?:cars?|vans?|a car|a van) (?:with )?(?:strangers|older|men|a man|people (?:i|we) dont know)"),
    ("calls_then_out", r"\b(?:calls|phone calls|texts|messages|rings)\b[^.?!]{0,40}\b(?:numbers?|people|someone|men|lads) (?:i|we) (?:dont|do not|didnt) (?:know|recognise)\b|\b(?:getting|gets|got|keeps getting) (?:\w+ )?(?:calls|phone calls|texts|messages)\b[^.?!]{0,40}\b(?:then|and) (?:\w+ )?(?:going|goes|running|runs|rushing|rushes|leaves|leaving|heading|disappear\w*) (?:out|off)\b"),
    ("gang_after", r"\b(?:gangs?|lads|boys|men|people|some \w+|they|older \w+)\b[^.?!]{0,20}\b(?:is|are|were|was|have been|has been) (?:after|looking for|out to get|hunting|coming for|waiting for) (?:him|her|them|my \w+)\b"),
    ("debt_bondage", r"\b(?:owes?|owing|owed|in debt to|debt to) (?:\w+ ){0,3}?(?:money|cash|\d+|them|him)\b[^?!]{0,80}\b(?:older|lads|boys|men|gang|jobs?|work it off|pay (?:it )?(?:back|off)|threat\w*|hurt|or else)\b|\b(?:do|doing|run) (?:some )?(?:jobs|errands|runs|a job|a run) for (?:them|him|some|these|older)\b|\bwork (?:it|the debt) off\b|\bpay (?:it|them|the debt) off\b[^.?!]{0,40}\b(?:jobs?|older|lads|boys|men|drugs)\b"),
    ("unexplained_goods", r"\b(?:new|expensive|designer|branded|brand new) (?:trainers|clothes|phones?|jackets?|coats?|stuff|things|gear|watch|airpods|headphones)\b[^.?!]{0,60}\b(?:money|cash|cant explain|wont say|no idea|didnt buy|did not buy|didnt pay|did not pay|never paid|didnt give|never gave|dont know where|never bought|from nowhere|disappear\w*|gone for)\b|\b(?:coming|comes|came|turns up|turned up) (?:home |back )?with (?:new |expensive |designer )?(?:trainers|clothes|money|cash|phones?|gifts|stuff)\b[^.?!]{0,60}\b(?:disappear\w*|cant explain|wont say|no idea|didnt buy|days?|nights?|missing)\b"),
    ("disappears", r"\b(?:disappear\w*|vanish\w*|goes off|gone off|going off|keeps going off|goes awol|went awol) (?:for )?(?:a day|days|a night|nights|the night|hours|the weekend|a day or two|a couple of days|\d+ (?:days|hours|nights))\b"),
    ("late_nights", r"\b(?:home|back|in|out|comes in|coming in|came in|gets in|got in|out till|out until|out at|still out at|out past)\s+(?:at |till |until |past |around |after |by )?(?:[1-5](?::\d\d)?\s?(?:am|in the morning)|midnight|gone midnight|the early hours|all hours)\b"),
    ("adult_in_car", r"\b(?:man|men|guy|guys|bloke|lad|lads|older boys?|adults?|someone|people|strangers?)\b[^.?!]{0,20}\b(?:in|with) (?:a|his|their|the|an|flash|fancy|nice) (?:\w+ )?(?:car|van|cars|motor)\b[^.?!]{0,60}\b(?:picks?|picked|picking|collects?|collected|waiting|waits|takes?|took|drops?|dropped|drives?|drove)\b|\b(?:picks?|picked|picking|collects?|collected) (?:\w+ ){0,2}?(?:him|her|them|my \w+) up\b[^.?!]{0,60}\b(?:in (?:his|their|a) (?:\w+ )?car|older|20s|twenties|man|men|adult|strangers?|dont know who)\b"),
    ("found_drugs", r"\b(?:found|finding|find|smells? of|smelt of|caught (?:him|her|them) with)\b[^.?!]{0,30}\b(?:drugs|weed|cannabis|skunk|cocaine|coke|pills|ketamine|ket|spice|crack|heroin|mdma)\b|\b(?:his|her) (?:dealer|supplier)\b"),
    ("exploited_word", r"\b(?:(?:being|been|was|is|getting|get|got) exploited|exploit(?:ed|ing|s)? (?:him|her|them|my \w+|children|kids|young people|vulnerable)|trafficked|trafficking|radicalis\w*|radicaliz\w*|extremis\w*)\b"),
])

# --- a parent who may harm their child ---
_add("parent_harm_risk", CRISIS, [
    ("dont_trust_myself", r"\b(?:dont|do not|cant|cannot|can not|no longer|not sure i can|not sure i) (?:fully |really )?trust (?:myself|me)\b|\bnot safe (?:to be )?(?:around|with|near|left with|alone with) (?:him|her|them|my \w+|the kids|the children|myself)\b|\b(?:scared|afraid|frightened|terrified|worried|petrified) (?:ill|i will|i might|i may|i could|that ill|that i will|that i might|of what ill|of what i (?:might|could|will)) (?:\w+ )?(?:hurt|harm|hit|do something|lose it|snap|shake|strangle|kill|smack)\b"),
    ("close_to_hitting", rf"\b(?:so close to|close to|nearly|almost|about to|came close to|wanted to|want to|feel like|felt like|could have|could of|tempted to|urge to) (?:\w+ )?(?:hitting|hit|hurting|hurt|smacking|smack|slapping|slap|shaking|shake|strangling|strangle|throttling|throttle|shook|harming|harm|kill|killing|punch|punching) (?:{CHILD_OBJ})\b(?! (?:feelings|up|back\b))"),
    ("i_hurt_child", rf"\bi (?:\w+ ){{0,5}}?(?:shook|shake|hit|hitting|slapped|slap|smacked|smack|grabbed|grab|pushed|push|shoved|shove|kicked|kick|hurt|bruised|pinched|strangled|choked|throttled|threw|dragged|screamed in|shouted in|squeezed|yanked|bit|hit out at|lashed out at) (?:{CHILD_OBJ}|his face|her face|his arm|her arm)\b(?! (?:feelings|up (?:with|on)|with (?:a|the) (?:ball|pillow)|a (?:message|text|line)|by accident))"),
    ("going_to_hurt", rf"\b(?:im|i am|i|i feel like im|i feel like i am|i think im|i think i am|i think i) (?:\w+ ){{0,3}}?(?:going to|gonna|about to|will|might|could|may) (?:\w+ (?:and|&) )?(?:hurt|hit|harm|smack|slap|shake|strangle|throttle|lose it with|snap at|lash out at) (?:{CHILD_OBJ})\b"),
    ("left_marks_on", r"\b(?:i|ive) (?:\w+ ){0,6}?left (?:a |some )?(?:marks?|bruises?|a bruise|a mark|red marks|handprint|hand print|finger marks)\b|\b(?:grabbed|held|squeezed|gripped) (?:him|her|them) (?:too|so) (?:hard|tight|tightly|rough|roughly)\b"),
    ("lost_it_with_child", rf"\bi (?:\w+ ){{0,2}}?(?:lost it|snapped|lost control|lost my temper|flipped|saw red)\b[^.?!]{{0,40}}\b(?:and|with|at) (?:{CHILD_OBJ}|hit|shook|grabbed|smacked|slapped|pushed|threw)\b"),
])

# --- weapons and threats of serious violence ---
_WEAPON = _any(
    r"(?:kitchen |zombie |flick |pen |lock |stanley |bread |carving |hunting |butchers |big |sharp |a |)knife",
    "knives", "blade", "blades", "machete", "machetes", "sword", "swords", "samurai", "axe", "hatchet",
    "gun", "guns", "pistol", "handgun", "firearm", "rifle", "shotgun", "air rifle", "bb gun", "pellet gun",
    "taser", "stun gun", "pepper spray", "cs spray", "knuckle ?dusters?", "baseball bat", "crowbar",
    "hammer", "screwdriver", "scissors", "bottle", "acid", "bomb", "explosives?", "petrol", "weapon", "weapons",
)
_add("weapon_violence", CRISIS, [
    ("weapon_possession", rf"\b(?:found|finding|find|has|had|got|gets|getting|carrying|carries|carry|carried|bring|brings|bringing|brought|took|taking|take|taken|keeps|keeping|kept|hid|hides|hiding|hidden|showed|shows|showing|pulled|pulls|pulling|waved|waving|wave|holding|held|grabbed|grabbing|picked up|picks up|threatened|threatening|threatens|attacked|went for|goes for|came at|comes at|chased|chasing|bought|buying|ordered|sharpening)\b[^.?!]{{0,30}}\b(?:{_WEAPON})\b(?! (?:and fork|& fork|skills|crime (?:awareness|prevention|workshop|talk|lesson))|[^.?!]{{0,20}}\b(?:to cut (?:his|her|up) (?:food|dinner|meat|lunch)|at (?:lunch|dinner|mealtimes?|the table))\b)"),
    ("weapon_place", rf"\b(?:{_WEAPON})s? (?:under|in|inside|hidden in|stashed in|tucked in) (?:his|her|their|my \w+s|the) (?:bed|pillow|mattress|bag|school bag|rucksack|backpack|room|bedroom|pocket|coat|blazer|drawer|wardrobe|locker|sock|waistband|shoe)\b"),
    ("weapon_word", r"\b(?:machete|machetes|zombie knife|flick knife|knuckle ?dusters?|firearm|handgun|pistol|shotgun|stun gun|taser)\b"),
    ("violent_threat", rf"\b(?:going to|gonna|gunna|wants? to|wanted to|will|ill|hell|shell|theyll|threaten\w* to|threatening to|says? (?:hes|shes|he will|she will|he is going to|she is going to|hell|shell) (?:going to )?|said (?:hed|shed|he would|she would|he was going to|she was going to)|promised to|planning to|plans to) (?:\w+ )?(?:kill|stab|shoot|murder|knife|hurt|beat up|batter|strangle|burn|set fire to|blow up|bomb|attack|slash|cut|smash (?:his|her) (?:head|face))\b (?!(?:it|for|time|two birds|a coffee|a brew|a cuppa|a pint|for a)\b)(?!(?:the |my |this |that )?(?:printer|computer|laptop|wifi|website|phone|council|forms?|paperwork|dog|cat|hoover|car|tv|telly|xbox|ipad)\b)(?:{CHILD_OBJ}|you|me|us|everyone|everybody|someone|somebody|people|anyone|the|his|her|them|those|these|that|this|teachers?|kids|boys|girls|lads|him|her|the \w+|a \w+|my|our|himself|herself)\b(?![^.?!]{{0,40}}\b(?:lol|haha|hehe|lmao|jk|joking|kidding|for (?:telling|saying|doing|eating|forgetting|being|not|making|losing|breaking)))"),
    ("stab_shoot", r"\b(?:stab|stabs|stabbed|stabbing|shoot|shoots|shot|shooting|slash|slashed|slashing|knifed) (?:him|her|them|me|us|someone|somebody|people|kids|the kids|everyone|anyone|his|her|my|a (?:boy|girl|kid|lad|teacher|pupil|student)|the (?:boys?|girls?|kids|lads|teacher|teachers|school|class|head))\b(?! (?:a (?:look|glance|video|photo|film|message)|up (?:\d|three|two|four|five|\w+ (?:levels?|grades?|places?|inches?|cm))|an email|a smile))|\bshoot(?:ing)? up (?:the|his|her|my|a|their) (?:school|class|classroom|college)\b|\bschool shooting\b|\b(?:got|been|was|has been|getting|get) (?:stabbed|shot|slashed|knifed)\b"),
    ("assaulted_child", r"\b(?:jumped|battered|mugged|beaten up|beat up|attacked|assaulted|set upon|ambushed|cornered|kicked in|glassed)\b[^.?!]{0,20}\b(?:him|her|them|my \w+)\b(?! (?:at|for|with joy|in excitement))|\b(?:got|been|was|were|has been|gets) (?:jumped|battered|mugged|beaten up|attacked|assaulted|set upon|glassed|kicked in|headbutted)\b"),
    ("beat_up", r"\b(?:beat|beats|beating|beaten|battered|kicked|punched|roughed|duffed|smashed) (?:him|her|them|my \w+) up\b|\b(?:kicked|punched|hit|beaten|attacked|assaulted|slapped|stamped on|strangled|choked|headbutted|bitten|jumped|mugged|stabbed)\b[^.?!]{0,20}\bby (?:a |an |some |the |his |her |two |three |four |several |older |a group of |a gang of |a load of )?(?:\w+ ){0,2}?(?:lads|boys|boy|girls|girl|kids|men|man|woman|group|gang|pupils?|students?|teenagers|youths|people|someone|somebody|adults?|teacher|staff|dad|mum|stepdad|uncle|brother|cousin)\b"),
    ("bring_weapon_in", rf"\b(?:bring|bringing|take|taking|brought|took|carry|carrying)\b[^.?!]{{0,20}}\b(?:{_WEAPON})\b[^.?!]{{0,20}}\b(?:in|into school|to school|in tomorrow|in on monday|next time|to get|to use)\b|\bnext time (?:theyll|they will|theyre gonna|theyre going to|hell|shell|hes gonna|hes going to) (?:bring|use|have|come with) (?:a |an |the )?(?:{_WEAPON})\b"),
    ("threatened_with", rf"\bthreaten\w* (?:\w+ ){{0,4}}?with (?:a |an |the |his |her )?(?:{_WEAPON})\b|\b(?:held|holding|pointed|pointing|put) (?:a |an |the )?(?:{_WEAPON}) (?:to|at|against) (?:his|her|their|my|me|him|them)\b"),
    ("gang", r"\b(?:in|joined|joining|involved (?:with|in)|part of|member of|running with|hanging around with|hanging out with) (?:a |the |some )?gangs?\b|\bgang (?:members?|violence|fights?|related|stuff)\b"),
    ("arson", r"\b(?:set fire to|setting fires|sets fires|started a fire|starting fires|tried to burn (?:down )?(?:the|our|his|her) (?:house|school|room))\b"),
], unless=r"\b(?:pretend|toy|nerf|water (?:pistol|gun)|cap gun|costume|fancy dress|plastic|foam|lego|glue gun|world book day|play ?doh|lightsaber|cardboard|dressing up|video game|in (?:the|a|his|her) game|fortnite|minecraft|call of duty|(?:school|the|a|his|her) play|panto|pantomime|nativity|drama|on stage|rehearsal|photo ?shoot|camera)\b")

# --- severe not eating, rapid weight loss, eating disorders ---
_add("neglect_eating", CRISIS, [
    ("not_eating", r"\b(?:hasnt|has not|havent|have not|hardly|barely|not|stopped|wont|refuses? to|refused to|refusing to|isnt|is not|wasnt|didnt|did not|doesnt|does not|cant|cannot|no longer|has|had|hes|shes) (?:\w+ ){0,2}?(?:eaten|eating|eat|ate|drinking|drunk|drink|drank|had (?:anything|a thing|a bite|a drink|food|any food|a meal|a proper meal))\b[^?!]{0,50}\b(?:for (?:days|a week|weeks|two|three|four|five|\d|over|more than|nearly|almost|a few days|the last|the past)|in (?:days|a week|weeks|\d+ days|two|three|four|over)|since|all week|at all|(?:and|or) (?:drinking|drink|drunk|eating|eat|eaten)|fainting|faint|dizzy|collaps\w*|weight|days)"),
    ("weight_loss", r"\b(?:lost|losing|loses|dropped|dropping) (?:so much|a lot of|a load of|loads of|tons of|such a lot of|too much|a scary amount of|a worrying amount of|masses of|a huge amount of|so much|\d+ ?(?:kg|kilos?|stone|st|lbs?|pounds|pound)|half (?:a|her|his) (?:body )?)(?: of)? ?(?:weight|body weight|of (?:her|his) weight)?\b|\b(?:rapid|dramatic|massive|huge|scary|alarming|sudden|extreme|serious|worrying|big) weight loss\b|\b(?:weight|weighs|weighed) (?:has )?(?:dropped|plummeted|gone down so|fallen)\b|\bunderweight\b"),
    ("tiny_intake", r"\b(?:only|just|barely|down to) (?:eating|eats|eaten|ate|having|had|has) (?:an?|one|half an?|half a|a single|a few|two|2|a couple of|a bit of|a mouthful of) (?:\w+ ){0,2}?(?:a day|per day|all day|each day|every day|a week|since)\b|\b(?:exercis\w*|running|working out|doing sit ups) (?:all night|obsessively|for hours|constantly|in secret|in (?:his|her) room at night)\b|\bcounting (?:every )?calories\b"),
    ("weight_very_low", r"\bdown to (?:\d+|five|six|seven|four) ?(?:stone|st|kg|kilos?|lbs?)\b|\b(?:still|keeps?|kept) losing weight\b|\bweight (?:keeps )?(?:dropping|falling|plummeting)\b"),
    ("stopped_eating", r"\b(?:stopped|stopping|stops|refus\w*|refusing) (?:to )?(?:eating|drinking|eat|drink|food|all food|meals|any food)\b(?! (?:meat|sugar|gluten|dairy|sweets|crisps|chocolate|bread|fish|vegetables|veg|fruit|pork|beef|chicken|school dinners|school lunch|at school|(?:his|her) (?:lunch|dinner|tea|breakfast|packed lunch|vegetables|veg)|lunch|breakfast|in the canteen|in the dining hall|in front of|fizzy|juice|milk|squash|with (?:a|the) (?:fork|spoon|knife)|new foods?|anything new|hot food|at (?:lunch|dinner|tea|breakfast) ?time))"),
    ("still_wont_eat", r"\b(?:still|completely|totally|just) (?:wont|will not|refuses to|refusing to|not|isnt) (?:eat|eating)\b(?! (?:\w+ )?(?:vegetables|veg|fruit|meat|dinners?|school dinners|lunch at school|breakfast|in front|at school|with (?:a|the) (?:fork|spoon)|anything (?:green|but|except|other|new|unfamiliar)|new foods?|hot food|sandwiches|pasta))"),
    ("sick_after_meals", r"\b(?:sick|throwing up|throws up|vomiting|vomits) after (?:every|each|all|most) (?:of )?(?:her |his )?(?:meals?|time (?:she|he) eats|thing (?:she|he) eats)\b"),
    ("very_thin", r"\b(?:so|really|too|scarily|dangerously|worryingly|painfully|frighteningly|shockingly|extremely|terribly) (?:thin|skinny|underweight|frail|gaunt|skeletal|bony)\b(?![^.?!]{0,40}\b(?:naturally|always been|happy|fine|not worried|isnt worried|healthy|genetic|build|frame))|\bhair (?:is )?(?:falling|coming) out\b[^.?!]{0,40}\b(?:thin|eat|weight|cold)\b"),
    ("visible_bones", r"\b(?:see|seeing|count|feel) (?:all )?(?:his|her|their) (?:ribs|bones|spine|hip ?bones|collar ?bones)\b|\bskin and bones?\b|\bnothing but skin\b|\bskeletal\b"),
    ("living_on", r"\b(?:living|lives|survived|surviving|existing) on (?:nothing|water|air|(?:just |only )?(?:water|one|a (?:biscuit|yoghurt|yogurt|cracker|apple|slice))|crisps and water)\b"),
    ("purging", r"\b(?:making|makes|made|make) (?:him|her|them)?(?:self|selves)? ?sick\b(?=[^.?!]{0,30}\b(?:after|every|each|when|meals?|eating|food|tea|dinner))|\bmaking (?:him|her|them)sel(?:f|ves) (?:be )?sick\b|\b(?:throws?|throwing|threw|being) (?:up|sick) (?:after|straight after|every time (?:she|he) eats|after every) (?:every |each |all )?(?:meals?|eating|food|tea|dinner|lunch|breakfast)\b|\bpurg(?:e|es|ed|ing)\b|\blaxatives\b"),
    ("hides_food", r"\b(?:hid(?:es|ing)?|hidden|stash\w*|throws? away|throwing away|binning|bins) (?:her|his|their)? ?(?:food|meals?|lunch|dinner|tea|packed lunch|sandwiches)\b[^.?!]{0,40}\b(?:room|bedroom|bin|bins|toilet|pockets?|wardrobe|under (?:the|her|his) (?:bed|mattress|pillow)|plant pots?|so (?:she|he) doesnt have to eat)\b|\b(?:throws? away|throwing away|binning|bins) (?:her|his|their) (?:food|meals?|lunch|dinner|packed lunch|sandwiches)\b"),
    ("ed_words", r"\b(?:anorexi\w*|bulimi\w*|eating disorders?|\bed\b relapse|starving (?:him|her|them)self|starv(?:e|es|ing) (?:him|her|them)sel(?:f|ves)|refuses all food|refusing all food|not eaten in days)\b"),
    ("not_drinking", r"\b(?:not|hasnt|wont|stopped|refusing to|refuses to) (?:been )?(?:drinking|drink|drunk)(?: any| anything| fluids| water)?\b[^.?!]{0,40}\b(?:days|all day|since yesterday|dehydrated|\d+ hours|wee|pee|urine)\b|\bdehydrated\b"),
], unless=r"\b(?:fasting|ramadan|fast for|diet club|slimming world|weight watchers|on a diet)\b")

# --- a parent in crisis ---
_add("parent_crisis", CRISIS, [
    ("cant_go_on", r"\b(?:i|we|im|ive|i just|i really|i honestly|i literally|i simply|i actually|honestly i|just)? ?(?:cant|cannot|can not|couldnt|dont think i can|don t think i can|dont know if i can|dont know how (?:much )?(?:longer )?i can|not sure i can|no longer|unable to) (?:\w+ )?(?:do this|do it|cope|go on|carry on|keep going|keep on going|take (?:it|this|much more|any more|anymore|no more)|handle (?:it|this|life|any of it)|face (?:it|tomorrow|another day|anything|life|going on)|live like this|live with this|keep doing this|manage|hold on|hold it together|function|breathe)\b(?:[^.?!]{0,30}\b(?:anymore|any more|like this|much longer|for much longer|no more|of (?:this|it|it all|him|her|them)|with (?:anything|life|any of it|everything))\b|[^.?!]{0,30}\b(?:on my own|alone|by myself|without help|without support)\b|\s*(?=[.!,;]|$|\bi\b|\bi just\b|\band\b|\bhonestly\b|\bnobody\b|\bno one\b|\bnot\b))"),
    ("cant_cope", r"\b(?:i|im|we|were|i just|i really) (?:\w+ )?(?:cant|cannot|can not|not|am not|m not|arent|are not|no longer|dont think i can) (?:really )?(?:cope|coping)\b(?! with (?:the|this|that|these|those) (?:website|site|form|forms|paperwork|noise|app|system|heat|weather|traffic))"),
    ("breaking_point", r"\b(?:breaking point|end of my tether|end of the road|end of my rope|rock bottom|at my wits end|at the end of my wits|losing my mind|lost my mind|giving up on (?:everything|life|it all|myself)|gave up on (?:everything|life|myself)|(?:i am|im|i feel|i|ive|feel|feeling|we are|were) (?:so |completely |totally |utterly |just |really )?(?:broken|falling apart|in pieces|crumbling|drowning|sinking|going under|given up|a wreck|done with (?:life|everything|it all)))\b(?![^.?!]{0,20}\b(?:website|site|page|form|forms|app|lol|haha|hehe|lmao|paperwork|system|phone (?:line|menu)|the wifi|the internet|printer|laptop|toy|toys|washing machine|dishwasher|car|leg|arm|wrist|bone|hearted))"),
    ("wants_it_to_stop", r"\b(?:want|wants|need|needs|wish|wishing) (?:it all|everything|this all|all of it|this|it|the pain|life) to (?:stop|end|be over|go away|just stop|just end)\b|\bwant to (?:disappear|vanish|not exist|not wake up|just disappear|run away and never|fall asleep and)\b|\bjust (?:want|wanna) to (?:disappear|vanish|not be here|stop existing|be gone|sleep forever)\b"),
    ("walk_out_forever", r"\b(?:walk|walking|run|running|drive|driving|get|getting|go|going) (?:out|away|off)(?: (?:\w+ ){0,3}?)? and (?:never|not) (?:come|coming|go|going) (?:back|home)\b|\b(?:theyd|they would|theyll|they will|everyone would|the kids would|hed|shed|they would all|they will all|the family would|my family would|kids would) (?:\w+ )?(?:be )?(?:fine|better|happier|ok|okay|alright|manage|cope|be better off) without me\b|\bwithout me (?:around|here)\b"),
    ("run_and_leave", r"\b(?:want|wanna|going|gonna|feel like|felt like|thinking of|thought about|think about|tempted|close) (?:to )?(?:just )?(?:run|running|walk|walking|drive|driving|pack|packing) (?:away|off|out|my bags)(?: \w+)? and (?:leave|leaving|not come back|never come back|not coming back)\b|\bleave them all\b|\b(?:want|wanna) to (?:run away|leave) (?:from )?(?:it all|everything|them all|my family|my kids|the kids)\b"),
    ("had_enough", r"\b(?:had|have had|ive had) enough of (?:everything|life|it all|living|being alive|myself|this life|all of it|everyone)\b|\bi (?:just )?want out\b(?=\s*(?:[.!,]|$|and|i\b))"),
    ("dark_head", r"\b(?:my head|my mind|my headspace|my head space|my mental health|i)\b (?:is |s |has been |been |am |m )?(?:in )?(?:a )?(?:so |really |very |such a |proper )?(?:dark|black|bad|scary|horrible|awful) (?:place|space|at the moment|right now|lately|these days)\b|\bmy head is (?:so |really |very )?(?:dark|black|a mess|not in a good place)\b"),
    ("dark_thoughts", r"\b(?:dark|bad|awful|horrible|scary|frightening|intrusive|suicidal|morbid|dangerous|terrible) (?:\w+ )?(?:thoughts|thinking|place|feelings)\b(?![^.?!]{0,20}\b(?:about (?:the|his|her) (?:school|ehcp|plan|council|tribunal|review|future career)))|\bthoughts of (?:ending|harming|hurting|dying|not being here|crashing|death|suicide|killing)\b|\b(?:in|into) a (?:very |really )?dark place\b"),
    ("drive_into", r"\b(?:drive|driving|drove|steer|steering|swerve|swerving|crash|crashing|crashed|plough|ploughing|wrap|wrapping) (?:the car |my car |it )?(?:off|into|in to|in front of|under) (?:a |the |an |on )?(?:wall|tree|lorry|lorries|bridge|river|canal|oncoming|traffic|motorway|reservoir|sea|cliff|edge|road|train|bus|pillar|barrier|ditch|lamp ?post)\b|\bcrash(?:ing)? the car\b(?![^.?!]{0,20}\b(?:lol|haha|by accident))|\b(?:just )?(?:keep|kept|keeps) driving (?:and|until|till) (?:never|not)\b|\bhow easy it would be to\b"),
    ("parent_sleepless_dark", r"\b(?:havent|have not|not|no|hardly|barely|didnt|did not|cant|can not|cannot) (?:\w+ )?(?:slept|sleep|sleeping)\b[^?!]{0,40}\b(?:in|for) (?:\d+|two|three|four|five|six|seven|days|weeks|a week|a fortnight|over a week|ages|months)\b[^?!]{0,80}\b(?:dark|thoughts|crash|wall|end it|cant cope|crying|cry|falling apart|breaking|cant stop|cant think|scared|hallucinat\w*|losing it|losing my|going mad|hurt|snap|shake|shaking)\b|\bno sleep (?:in|for) (?:\w+ )?(?:days|weeks|months|ages)\b[^?!]{0,60}\b(?:crying|cry|breaking|cant cope|dark|falling apart|cant stop|scared)\b"),
    ("crying_constantly", r"\b(?:i|im|ive) (?:\w+ )?(?:keep|kept|keeps|cant stop|cannot stop|been|am) (?:crying|sobbing|breaking down|shaking|panicking)\b(?! (?:with|happy|tears of joy|laughing))|\bcrying (?:myself to sleep|every (?:day|night)|all the time|all day|all night|constantly|non stop|in the car|at work|in the toilets)\b"),
    ("self_hatred", r"\bi (?:\w+ )?(?:hate|loathe|despise) (?:myself|my life|being alive|living|everything about me)\b|\bi am (?:a )?(?:failure|useless|worthless|a terrible (?:mum|mother|dad|father|parent))\b(?=[^.?!]{0,30}(?:$|[.!]|and|they|he|she|everyone))|\bim (?:a )?(?:failure|worthless|useless|a terrible (?:mum|mother|dad|father|parent))\b(?=[^.?!]{0,30}(?:$|[.!]|and|they|he|she|everyone))"),
    ("parent_method", r"\b(?:about|of|considered|considering|thought about|thinking about|think about|keep thinking about|googled|googling|looked up|looking up|stockpil\w*|saving up|saved up|hoarding) (?:\w+ )?(?:taking|swallowing|taking all|overdosing|ending it|ending my|ending things|ending everything|killing myself|my (?:tablets|pills|meds|antidepressants|sleeping pills)|(?:all )?(?:the |my )?(?:tablets|pills|meds|antidepressants|painkillers|paracetamol))\b(?![^.?!]{0,20}\b(?:for (?:my|his|her) (?:back|headache|adhd|asthma|epilepsy)|prescription|repeat))"),
    ("breakdown", r"\b(?:having|had|have|on the verge of|verge of|close to|near|heading for|going to have|about to have|nearly had) (?:a )?(?:complete |total |full |nervous |mental |full blown )?(?:breakdown|mental breakdown|nervous breakdown)\b"),
    ("what_i_might_do", r"\b(?:scared|afraid|frightened|terrified|worried|petrified) (?:of|about) what (?:i|ill|im going to|i am going to) (?:might |could |will |may )?do\b"),
    ("no_way_out", r"\b(?:no way out|(?:i|im|i am|i feel|feel|feeling|we|were|we are) (?:so |completely |totally |just )?trapped(?! wind)|cant see a way (?:out|forward|through)|cant see (?:any|the) (?:point|future|light|end))\b(?![^.?!]{0,20}\b(?:tunnel|lol|haha|website|site|page|form|the ehcp process|the system))"),
])

# --- urgent: off-rolling / pressure to home educate / no education in place ---
_OFFROLL_TERM = _any(
    r"off (?:the )?(?:school )?roll", r"de ?register\w*", r"home ?ed\b", r"home educat\w*", r"home school\w*",
    r"homeschool\w*", r"elective home", r"\behe\b", r"flexi ?school\w*", r"leave (?:the )?school", r"find (?:another|a new|a different) school",
    r"managed move", r"move (?:him|her|them) (?:to another|schools|elsewhere)",
    r"look(?:ing)? for (?:another|a new|a different|an alternative) (?:school|placement)", r"go elsewhere",
    r"take (?:him|her|them|my \w+) out of (?:the )?school", r"remove (?:him|her|them) from (?:the )?school",
)
_PRESSURE = _any(
    r"push\w*", r"pressur\w*", r"forc\w*", r"threat\w*", r"or (?:else|hell|shell|he will|she will|they will|theyll|well|we will|he gets|she gets|face)",
    r"if (?:we|i) (?:dont|do not|refuse|wont|say no)", r"sign\w*", r"exclu\w*", r"expel\w*",
    r"keeps? (?:telling|saying|asking|on at|suggesting|pushing)", r"insist\w*", r"strongly (?:suggest|advis)\w*",
    r"told (?:us|me) (?:to|we (?:have|must|should|need))", r"(?:have|has|had) to", r"making (?:us|me)", r"want(?:s|ed)? (?:us|me) to",
    r"best for everyone", r"no choice", r"otherwise", r"ultimatum", r"trying to (?:get|make|persuade|convince|push)",
    r"get (?:me|us) to", r"ask(?:ed|ing|s)? (?:me|us) to", r"encourag\w*", r"persuad\w*", r"convinc\w*", r"(?:suggest|advis)\w* (?:we|i|that)",
)
_add("off_roll", URGENT, [
    ("take_off_roll", rf"\b(?:take|taking|took|taken|get|getting|remove|removing|removed|put|struck|strike) (?:{CHILD_OBJ}) off (?:the )?(?:school )?roll\b|\b(?:form|forms|letter|paperwork) (?:to |for )(?:take|taking|remove|removing|deregister\w*|home educat\w*) (?:him|her|them|my \w+)|\b(?:they|school|head|senco|academy|headteacher)\b[^.?!]{{0,40}}\b(?:off (?:the )?roll|deregister\w*)\b"),
    ("pressure_off_roll", rf"(?:\b{_PRESSURE}\b[^?!]{{0,80}}\b{_OFFROLL_TERM})|(?:\b{_OFFROLL_TERM}[^?!]{{0,80}}\b{_PRESSURE}\b)", ),
    ("no_education", r"\b(?:no|without (?:a|any)|not had (?:a|any)|hasnt had (?:a|any)|havent had (?:a|any)|not got (?:a|any)|hasnt got (?:a|any)|with no|zero|out of) (?:\w+ )?(?:school place|school|education|schooling|provision|placement|tuition|teaching|lessons)\b(?: (?:at all|whatsoever|in place|of any kind))?[^.?!]{0,40}\b(?:since|for (?:\d+|over|more than|months|weeks|a year|a term|two|three|four|five|six|nearly|almost|the (?:whole|last|past))|all (?:term|year)|in place|at all|nobody|no one|months|weeks)\b|\b(?:been )?(?:out of|without) (?:school|education|a school place|a placement)\b[^.?!]{0,20}\b(?:since|for (?:\d+|over|more than|months|weeks|a year|a term|two|three|four|five|six|nearly|almost))\b|\b(?:hasnt|has not|havent|have not|not|isnt|wasnt) been (?:in|to|at|into) (?:school|college|education)\b[^?!]{0,30}\b(?:since|for)\b[^?!]{0,100}\b(?:(?:arent|are not|isnt|is not|havent|have not|wont|will not|not) (?:\w+ )?(?:provid\w*|doing anything|offer\w*|arrang\w*|help\w*|put anything)|nothing (?:in place|provided|offered|has been|is being)|no (?:tuition|provision|education|work|teaching|support) (?:at all|in place|provided|offered|has been))|\bmissing education\b|\bchild missing (?:from )?education\b|\bcme\b"),
])

# --- urgent: excluded or sent home today / told not to come in ---
_TODAY = _any(
    "today", "tomorrow", "tmrw", "tmr", "2moro", "2morrow", "this morning", "this afternoon", "tonight",
    "this week", "rest of the (?:day|week|term)", "from (?:tomorrow|monday|tuesday|wednesday|thursday|friday|next week)",
    "until (?:further notice|a meeting|we(?:ve| have)? (?:had )?a meeting|the meeting|next week|after|monday|friday)",
    "indefinitely", "on (?:monday|tuesday|wednesday|thursday|friday)", "at \\d+(?: ?(?:am|pm|oclock))?", "just now", "right now", "again today", "yesterday",
    "as of (?:now|today|tomorrow|monday)", "starting (?:now|today|tomorrow|from|monday)", "from now", "with immediate effect", "immediately", "straight away", "effective (?:now|today|immediately)",
)
_add("exclusion_today", URGENT, [
    ("excluded_now", rf"\b(?:excluded|suspended|exclusion|suspension|fixed term|fixed period|perm ex|permanently excluded|been sent home|sent (?:him|her|them|my \w+|\w+) home|sending (?:him|her|them|my \w+) home|send (?:him|her|them|my \w+) home|(?:was|got|been|is being|were|gets|keeps getting) sent home|internal exclusion|(?:put|placed|sent) (?:in|into|to) isolation|put on (?:a )?reduced timetable|part time timetable|reduced timetable)\b[^.?!]{{0,50}}\b{_TODAY}\b|\b(?:today|this morning|this afternoon|just|just now|tonight|yesterday|at \d+ ?(?:am|pm)?)\b[^.?!]{{0,40}}\b(?:excluded|suspended|sent (?:him|her|them|my \w+) home|sent home|exclusion|suspension)\b"),
    ("dont_bring_back", r"\b(?:dont|do not|not to|shouldnt|should not|cant|cannot|can not|no need to|not) (?:bring|send|drop) (?:him|her|them|my \w+) (?:back|in|to school|into school)\b|\b(?:not|isnt|isn t|is not|wont be|will not be|arent) (?:allowed|able|welcome|permitted) (?:back|in|to come (?:in|back|to school)|to return|into school|on site)\b|\b(?:cant|cannot|can not|wont be able to|shouldnt|should not|isnt to|is not to|not to) come (?:in|back|into school|to school)\b(?=[^?!]{0,60}\b(?:today|tomorrow|monday|tuesday|wednesday|thursday|friday|this week|next week|until|because|staff|meeting|said|told|they))|\b(?:said|told (?:me|us)|asked (?:me|us)) (?:to )?(?:keep (?:him|her|them) (?:at )?home|collect (?:him|her|them) and not bring)\b|\bkeep (?:him|her|them|my \w+) (?:off|at home|home|out)(?: of)?(?: school)? (?:tomorrow|tmrw|today|until|for (?:the|a|\d|two|three)|this week|next week|on monday|on friday)\b"),
    ("exclusion_threat", r"\b(?:going to|gonna|will|theyll|they will|threaten\w* to|threatening|have to|having to|said they would|said theyd|would have to|might|may) (?:have to )?(?:permanently |perm )?(?:exclude|expel|exclusion|suspend)\w*\b(?! (?:a child|children|pupils|for \w+ reasons))"),
    ("sent_home_again", r"\b(?:sent|sending|send) (?:him|her|them|my \w+) home\b[^.?!]{0,40}\b(?:for being|because|and said|and told|unsafe|again|every day|each day|early|at \d)\b|\b(?:keep|keeps|kept) (?:sending|sent) (?:him|her|them|my \w+) home\b"),
], unless=(
    # left out of a game, a club suspended, sent home with a letter: not an exclusion
    r"\b(?:excluded|left out|suspended) (?:from )?(?:the |a |his |her |their )?(?:game|games|play|group|friendship|parties|party|activities|team|club|football|chat|whatsapp|after school club|\w+ club)\b"
    r"|\bsent (?:\w+ )?home with (?:a |an |the |his |her |some )?(?:new )?(?:letter|form|note|reading book|homework|visual|timetable|certificate|sticker|pack|newsletter|leaflet|information|invitation|photos?|award|book|report|slip|consent)"
    # sent home ill is not an exclusion
    r"|\bsent (?:\w+ )?home\b[^.?!]{0,40}\b(?:ill|sick|poorly|temperature|fever|head lice|nits|vomit\w*|d and v|d&v|diarrh\w*|bug|virus|covid|unwell|rash|conjunctivitis|chicken ?pox|flu|cold|sickness|tummy ache)\b"
    r"|\b(?:ill|sick|poorly|temperature|fever|head lice|nits|vomit\w*|bug|virus|covid|unwell|rash|chicken ?pox|flu|sickness)\b[^.?!]{0,40}\bsent (?:\w+ )?home\b"
))

# --- urgent: a complaint about a named school or member of staff ---
_GENERIC_BEFORE = _any(
    "my", "his", "her", "their", "our", "the", "a", "an", "any", "this", "that", "new", "old", "current", "special",
    "mainstream", "local", "secondary", "primary", "which", "what", "every", "other", "same", "each", "childs", "sons",
    "daughters", "kids", "independent", "private", "state", "free", "faith", "catholic", "church", "village", "junior",
    "infant", "high", "grammar", "boarding", "residential", "comprehensive", "one", "nearest", "previous", "another",
    "different", "preferred", "chosen", "named", "to", "at", "in", "of", "for", "from", "and", "or", "is", "all",
    "schools", "no", "good", "bad", "main", "sen", "send", "specialist", "nursery", "post", "sixth", "form", "about",
    # verbs and function words that often stand before "school" in a question
    "can", "could", "does", "do", "did", "should", "would", "will", "may", "might", "must", "has", "have", "had", "was",
    "were", "are", "says", "said", "say", "tells", "told", "tell", "asked", "asks", "ask", "want", "wants", "wanted",
    "think", "thinks", "keep", "keeps", "make", "makes", "let", "lets", "get", "gets", "got", "go", "goes", "went",
    "going", "back", "after", "before", "into", "with", "without", "whole", "entire", "same", "than", "then", "when",
    "if", "but", "so", "because", "as", "by", "on", "off", "out", "up", "down", "not", "still", "also", "even", "just",
    "year", "first", "last", "next", "day", "days", "forest", "sunday", "summer", "holiday", "home", "hospital", "needs",
    "autism", "autistic", "asd", "adhd", "prep", "middle", "upper", "lower", "pupil", "referral", "driving", "night",
    "medical", "film", "dance", "drama", "music", "swimming", "language", "further", "fe", "ehcp", "resourced",
    "alternative", "inclusive", "normal", "regular", "big", "little", "small", "whose", "where", "there", "here",
    "their", "these", "those", "ordinary", "church", "community", "foundation", "trust", "maintained", "council",
)
_SCHOOL_WORD = _any("academy", "primary", "high school", "high", "school", "college", "infants", "juniors", "junior school",
                    "infant school", "secondary", "c of e", "ce primary", "rc primary", "church school", "grammar")
STAFF_ROLE = _any(
    "senco", "sendco", "senco lead", "head", "headteacher", "head teacher", "headmaster", "headmistress", "deputy",
    "deputy head", "assistant head", "principal", "vice principal", "ta", "lsa", "teaching assistant", "teacher",
    "class teacher", "form tutor", "tutor", "head of year", "hoy", "dsl", "inclusion lead", "inclusion manager",
    "pastoral lead", "pastoral manager", "sen lead", "send lead", "support worker", "escort", "driver",
    "dinner lady", "midday supervisor", "lunchtime supervisor", "pe teacher", "behaviour lead", "1:1", "one to one",
    "learning mentor", "keyworker", "key worker", "nursery manager", "manager", "governor", "chair of governors",
    "caretaker", "receptionist", "office staff", "ceo", "trust",
)
_NAMED_PERSON = r"\b(?:mr|mrs|ms|miss|mx|dr|sir|madam)\.? (?!(?:school|class|lessons?|out|him|her|them|the|a|my|his|it|you|me|us|so|lots|seeing|being|having|going|doing|their|our|this|that|every|all|much|any)\b)[a-z][a-z]{1,20}\b"
_NAME_WORD = rf"(?!{_GENERIC_BEFORE}\b)[a-z][a-z]{{2,20}}"
_NAMED_SCHOOL = rf"(?:\[[^\]]{{1,30}}\]|\b{_NAME_WORD}(?: {_NAME_WORD})? {_SCHOOL_WORD}\b|\bst\.? [a-z]{{3,20}}s?\b|\bsaint [a-z]{{3,20}}s?\b)"
_SPECIFIC_STAFF = rf"\b(?:the|his|her|their|my (?:sons|daughters|childs|kids)|our|my|this|that) (?:\w+ )?{STAFF_ROLE}\b(?!s)"
_COMPLAIN = _any(
    r"complain\w*", r"formal complaint", r"make a complaint", r"raise a complaint", r"put in a complaint",
    r"report(?:ing|ed)? (?:her|him|them|the|this|mr|mrs|ms|miss|sir|it to)", r"take (?:it|this|them|her|him) further",
    r"taking (?:it|this|them|her|him) further", r"disciplin\w*", r"sacked", r"fired", r"struck off", r"investigat\w*",
    r"(?:go|going|write|writing|email\w*|contact\w*|take it) to (?:the )?(?:governors|chair of governors|trust|ofsted|lado|ceo|board)",
    r"(?:with|to) the governors", r"held (?:to )?account\w*", r"grievance", r"escalat\w*", r"whistleblow\w*",
)
_MISTREAT = _any(
    r"shout(?:ed|s|ing)? at", r"scream(?:ed|s|ing)? at", r"yell(?:ed|s|ing)? at", r"swore at", r"swears at",
    r"humiliat\w*", r"called (?:him|her|them|my \w+) (?:a|an|stupid|lazy|naughty|thick|names)", r"mock\w*", r"laugh(?:ed|s|ing)? at",
    r"belittl\w*", r"picks? on", r"picking on", r"singl\w* (?:him|her) out", r"ignor\w* (?:his|her|the) (?:ehcp|plan|needs|support)",
    r"refus\w* to (?:follow|implement) (?:his|her|the) (?:ehcp|plan)", r"took (?:his|her) (?:ear defenders|fidget|chewy|ear muffs)",
    r"taking (?:his|her) (?:ear defenders|fidget|chewy|ear muffs) (?:off|away)", r"made (?:him|her) cry", r"punish\w*", r"bull(?:y|ies|ied|ying)",
    r"(?:been|are|were|is|was|have been|has been) (?:absolutely |so |really |just |utterly )?(?:awful|appalling|disgusting|shocking|a disgrace|disgraceful|terrible|horrendous|horrific|vile|cruel|negligent|incompetent|discriminat\w*)",
    r"discriminat\w* against",
)
_add("complaint_named", URGENT, [
    ("complain_about_named", rf"\b{_COMPLAIN}\b[^?!]{{0,80}}(?:{_NAMED_PERSON}|{_SPECIFIC_STAFF}|{_NAMED_SCHOOL})"),
    ("named_then_complain", rf"(?:{_NAMED_PERSON}|{_SPECIFIC_STAFF}|{_NAMED_SCHOOL})[^?!]{{0,150}}\b{_COMPLAIN}"),
    ("named_staff_mistreats", rf"(?:{_NAMED_PERSON}|{_NAMED_SCHOOL})[^.?!]{{0,60}}\b{_MISTREAT}|\b{_MISTREAT}\b[^.?!]{{0,20}}{_NAMED_PERSON}"),
], unless=r"\b(?:compliment|thank (?:you|her|him)|praise|brilliant|amazing|fantastic|great job)\b(?![^.?!]{0,40}\bcomplain)")

RULES: tuple[_Rule, ...] = tuple(_R)


def assess(text: str) -> Assessment:
    """Decide the tier for one message (see the module docstring)."""
    if not text or not isinstance(text, str):
        return Assessment(NONE, None, ())
    norm = normalise(text)
    if not norm:
        return Assessment(NONE, None, ())
    norm = _neutralise(norm)
    crisis: list[_Rule] = []
    urgent: list[_Rule] = []
    for rule in RULES:
        if not rule.pattern.search(norm):
            continue
        if rule.unless is not None and rule.unless.search(norm):
            continue
        (crisis if rule.tier == CRISIS else urgent).append(rule)
    if crisis:
        return Assessment(CRISIS, _category(crisis, norm), tuple(r.name for r in crisis + urgent))
    if urgent:
        return Assessment(URGENT, urgent[0].category, tuple(r.name for r in urgent))
    return Assessment(NONE, None, ())


_SCHOOL_CTX = re.compile(rf"\b{SETTING}\b")
_FAMILY_CTX = re.compile(rf"\b{FAMILY}\b")


# abuse rules whose category depends on where it happened (a cupboard at school is restraint)
_PLACE_DEPENDENT = frozenset({"locked_in_home", "handprint", "being_hurt", "adult_hurts_child", "drag_by_hair", "hurts_her"})


def _category(hits: list[_Rule], norm: str) -> str:
    """Category of the first crisis hit; an injury is placed by where it happened."""
    category = hits[0].category
    at_school = bool(_SCHOOL_CTX.search(norm)) and not _FAMILY_CTX.search(norm)
    if category == "abuse" and hits[0].name in _PLACE_DEPENDENT and at_school:
        return "restraint_injury"
    if category == "injury":
        if _SCHOOL_CTX.search(norm):
            return "restraint_injury"
        if _FAMILY_CTX.search(norm):
            return "abuse"
    return category
