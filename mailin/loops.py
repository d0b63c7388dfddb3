"""Which mails we must never answer: automatic ones (RFC 3834), bounces, bulk mail and our
own. Answering any of them is how two robots end up mailing each other forever."""

import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses

from mailin.senders import header

# RFC 3834 §5: "no" is the only value that means a person wrote it.
_HUMAN = "no"
_BULK = frozenset({"bulk", "list", "junk"})
_DAEMONS = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)


@dataclass(frozen=True)
class Traits:
    """What a mail says about where it came from."""

    auto_submitted: str
    """The Auto-Submitted value ("auto-replied", "auto-generated"), "" for a person."""
    bounce: bool
    """A delivery status notification: DSN, empty return path, MAILER-DAEMON."""
    bulk: bool
    """Precedence: bulk, list or junk, or a mailing list's List-Id / List-Unsubscribe."""

    @property
    def automatic(self) -> bool:
        return bool(self.auto_submitted) or self.bounce or self.bulk

    @property
    def answers_us(self) -> bool:
        """An auto-reply or a bounce: a robot's answer to a mail, never a report. It may
        inform the desk (a work note on the incident it threads to); it never opens one."""
        return self.bounce or self.auto_submitted == "auto-replied"

    def no_reply_reason(self) -> str:
        """Why we send nothing back, or "" when we may answer."""
        if self.bounce:
            return "a bounce (delivery status notification)"
        if self.auto_submitted:
            return f"an automatic mail (Auto-Submitted: {self.auto_submitted})"
        if self.bulk:
            return "bulk or list mail (Precedence, List-Id or List-Unsubscribe)"
        return ""


def traits(message: EmailMessage) -> Traits:
    auto = header(message, "Auto-Submitted").split(";", 1)[0].strip().lower()
    if auto == _HUMAN:
        auto = ""
    # Exchange and older auto-responders say it their own ways.
    if not auto and (header(message, "X-Autoreply") or header(message, "X-Autorespond")):
        auto = "auto-replied"
    return_path = header(message, "Return-Path")
    senders = [address for _, address in getaddresses([header(message, "From")])]
    bounce = (
        (
            message.get_content_type() == "multipart/report"
            and "delivery-status" in str(message.get_param("report-type", "")).lower()
        )
        or return_path.replace(" ", "") == "<>"
        or any(_DAEMONS.match(address) for address in senders)
    )
    # A list's or newsletter's mail says so in RFC 2369/2919 headers more often than in
    # Precedence (Google Groups, most newsletters): an answer would go to the whole list
    # or to a no-reply robot.
    bulk = (
        header(message, "Precedence").lower() in _BULK
        or bool(header(message, "List-Id"))
        or bool(header(message, "List-Unsubscribe"))
    )
    return Traits(auto_submitted=auto, bounce=bounce, bulk=bulk)
