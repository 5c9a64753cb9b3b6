"""The one vocabulary of statuses a bot message can carry in its `custom` payload.

The widget renders from these and the tests assert on them; docs/dialogue.md says exactly how
each is decided.
"""

ANSWERED = "answered"  # a cited answer from the documents
ANSWERED_OFFER_REFERRAL = "answered_offer_referral"  # a cited answer, and support is missing: offer the SPA
NOT_IN_DOCUMENTS = "not_in_documents"  # the documents do not answer: say so, offer SENDIASS and the SPA
HANDED_OFF = "handed_off"  # risk or a need for a person today: no answer, contacts and a person offered
HUMAN_CONTACTS = "human_contacts"  # the parent asked for a person: contacts and the referral offer
GLOSSARY = "glossary"  # a term explained
SERVICE_LIST = "service_list"  # services matching the child's age and need
GUIDED_QUESTION = "guided_question"  # a question of the "what should my child get?" flow
REFERRAL_STARTED = "referral_started"  # the referral form's first step (consent)
REFERRAL_IN_PROGRESS = "referral_in_progress"  # a later step of the form, or a re-ask
REFERRAL_SUBMITTED = "referral_submitted"  # stored, with a reference number
REFERRAL_CANCELLED = "referral_cancelled"  # the parent stopped or declined; nothing was sent
CANCELLED = "cancelled"  # stop/cancel with nothing running
ASKING_COUNCIL = "asking_council"  # several councils are configured: which one?
FEEDBACK = "feedback"  # thanks for the feedback
SMALLTALK = "smalltalk"  # greet, goodbye, thanks, acknowledgements, "am I talking to a person?"
OUT_OF_SCOPE = "out_of_scope"  # not about SEND or the local offer
CONVERSATION_DELETED = "conversation_deleted"
ERROR = "error"  # something failed; the message gives the SPA's contacts

ALL = (
    ANSWERED, ANSWERED_OFFER_REFERRAL, NOT_IN_DOCUMENTS, HANDED_OFF, HUMAN_CONTACTS, GLOSSARY,
    SERVICE_LIST, GUIDED_QUESTION, REFERRAL_STARTED, REFERRAL_IN_PROGRESS, REFERRAL_SUBMITTED,
    REFERRAL_CANCELLED, CANCELLED, ASKING_COUNCIL, FEEDBACK, SMALLTALK, OUT_OF_SCOPE,
    CONVERSATION_DELETED, ERROR,
)
