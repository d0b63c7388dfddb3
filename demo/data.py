"""What the demo desk looks like: teams, people, services, their categories and what their
callers report."""

from dataclasses import dataclass

TEAMS: dict[str, list[str]] = {
    "Service Desk": ["sam", "dana", "lee"],
    "Network": ["nia", "omar"],
    "Applications": ["priya", "tom"],
    "Infrastructure": ["ivan", "jo"],
}
MANAGER = "maria"
END_USERS = [
    "carol", "dave", "erin", "frank", "grace", "heidi", "ivy", "judy", "ken", "liam",
]  # fmt: skip

SERVICES: list[tuple[str, str, int, str]] = [
    ("Email", "Service Desk", 2, "Corporate email and calendars."),
    ("VPN", "Network", 2, "Remote access to the company network."),
    ("Wi-Fi", "Network", 3, "Office wireless network."),
    ("Payroll", "Applications", 1, "Salary runs and payslips."),
    ("ERP", "Applications", 1, "Orders, invoicing and stock."),
    ("Website", "Applications", 2, "The public website."),
    ("File shares", "Infrastructure", 3, "Team drives."),
    ("Printing", "Service Desk", 4, "Office printers and scanners."),
]


@dataclass(frozen=True)
class Issue:
    """Something callers of one service report: its title, its subcategory (under the
    service's own category, ``CATEGORIES``), what a caller writes, and how it was fixed."""

    title: str
    subcategory: str
    description: str
    resolution: str


# One category per service, so that an incident's category says where it is, and a known
# error on a category is offered only for incidents of that kind.
CATEGORIES: dict[str, tuple[str, list[str]]] = {
    "Email": ("Email and calendar", ["Sending", "Receiving", "Calendar", "Mailbox"]),
    "VPN": ("Remote access", ["VPN client", "Gateway", "Performance"]),
    "Wi-Fi": ("Wireless", ["Coverage", "Sign-in"]),
    "Payroll": ("Payroll", ["Payslips", "Salary run"]),
    "ERP": ("ERP", ["Sign-in", "Invoicing", "Stock", "Orders"]),
    "Website": ("Website", ["Availability", "Performance", "Content"]),
    "File shares": ("Storage", ["Access", "Lost files"]),
    "Printing": ("Printing and scanning", ["Printer", "Scanner"]),
}

ISSUES: dict[str, list[Issue]] = {
    "Email": [
        Issue("Cannot send email", "Sending",
              "Outlook keeps my messages in the outbox with 'Cannot connect to server'.",
              "A mail loop had used up the send quota; quota reset, loop rule removed."),
        Issue("Mailbox full", "Mailbox",
              "I get a warning that my mailbox is full and new mail bounces.",
              "Archived mail older than two years and raised the quota to 50 GB."),
        Issue("Calendar invites not arriving", "Calendar",
              "Meeting invitations from outside the company never reach my calendar.",
              "The external sender's domain was on the quarantine list; released and allowed."),
        Issue("Shared mailbox missing in Outlook", "Mailbox",
              "The team's shared mailbox disappeared from my folder list this morning.",
              "Re-granted full access to the shared mailbox; it reappeared after a restart."),
    ],
    "VPN": [
        Issue("VPN drops every few minutes", "Gateway",
              "The VPN disconnects every five to ten minutes and I lose my remote desktop.",
              "Moved the user's profile to the standby concentrator; drops stopped."),
        Issue("Cannot connect to VPN", "VPN client",
              "The VPN client says 'Certificate expired' and will not connect.",
              "Renewed the machine certificate and reinstalled the VPN profile."),
        Issue("VPN very slow", "Performance",
              "Everything over the VPN is very slow; file copies take ages.",
              "Split tunnelling was off after an update; profile corrected."),
    ],
    "Wi-Fi": [
        Issue("No Wi-Fi on floor 3", "Coverage",
              "Nobody on the third floor east wing can see the office network.",
              "An access point had lost power after a cleaner unplugged it; powered and checked."),
        Issue("Wi-Fi asks for password again", "Sign-in",
              "My laptop keeps asking for the Wi-Fi password and then refuses it.",
              "Removed the stale network profile; reconnected with the new certificate."),
        Issue("Guest Wi-Fi code not working", "Sign-in",
              "Visitors cannot log into the guest network with today's code.",
              "The guest portal's code rotation had stalled; restarted it and printed new codes."),
    ],
    "Payroll": [
        Issue("Payslip missing this month", "Payslips",
              "My payslip for this month is not in the portal, colleagues have theirs.",
              "The employee's cost centre was missing after a transfer; payslip regenerated."),
        Issue("Payroll run failed", "Salary run",
              "The test payroll run stopped with an error at the tax step.",
              "This year's tax tables had not been loaded; loaded them and re-ran."),
        Issue("Overtime not paid", "Salary run",
              "Overtime approved last month does not show on my salary.",
              "The approvals were exported after the cut-off; added to the correction run."),
    ],
    "ERP": [
        Issue("ERP login error 500", "Sign-in",
              "Signing in to the ERP shows 'Internal Server Error' after the password page.",
              "The single sign-on certificate had expired; renewed it on the ERP side."),
        Issue("Invoices stuck in draft", "Invoicing",
              "Invoices I approve stay in draft and never go to the customer.",
              "The invoicing job stopped after a deadlock; restarted, drafts re-queued."),
        Issue("Stock figures wrong", "Stock",
              "The ERP says we have 40 units in the warehouse; the shelf is empty.",
              "A goods receipt was booked twice; reversed the duplicate."),
        Issue("Order screen very slow", "Orders",
              "Opening an order takes over a minute since this morning.",
              "An index was lost in the last upgrade; recreated, the screen opens in a second."),
    ],
    "Website": [
        Issue("Website down", "Availability",
              "www.example.com answers 'Service unavailable' for customers.",
              "One web node had a full disk; cleaned old logs and added log rotation."),
        Issue("Checkout page slow", "Performance",
              "Customers complain the checkout takes half a minute to load.",
              "The product image cache was cold after a deploy; warmed it up."),
        Issue("Broken images on home page", "Content",
              "Half the pictures on the home page show as broken.",
              "The media links pointed at the old storage bucket; republished the page."),
    ],
    "File shares": [
        Issue("Cannot open team drive", "Access",
              "The Finance team drive says 'Access denied' since yesterday.",
              "The user had dropped out of the drive's group after a rename; added back."),
        Issue("Files disappeared from share", "Lost files",
              "A whole folder of last week's reports is gone from the team drive.",
              "Restored the folder from last night's snapshot; someone had moved it by mistake."),
        Issue("Drive letter missing after login", "Access",
              "The H: drive is not mapped any more when I log in.",
              "The login script's group filter had a typo; fixed it."),
    ],
    "Printing": [
        Issue("Printer jams on every job", "Printer",
              "The printer by the kitchen jams on every job, even one page.",
              "Replaced the worn pickup roller."),
        Issue("Cannot scan to email", "Scanner",
              "Scanning to email from the second-floor copier fails with 'SMTP error'.",
              "The copier's mail password had expired; set a new app password."),
        Issue("Print jobs stuck in queue", "Printer",
              "My documents sit in the print queue and never come out.",
              "Restarted the print spooler and cleared a corrupt job."),
    ],
}  # fmt: skip

# What callers add to make each report their own.
DETAILS = [
    "Started this morning.",
    "Since yesterday afternoon.",
    "Restarting did not help.",
    "Colleagues nearby have the same.",
    "Only on my laptop, my phone works.",
    "It worked fine last week.",
    "I need this for a deadline today.",
    "Happens about every hour.",
]

TITLES: dict[str, list[str]] = {
    service: [issue.title for issue in issues] for service, issues in ISSUES.items()
}


@dataclass(frozen=True)
class KnownError:
    """A problem behind one of a service's issues, raised from the incidents that report
    it: its workaround, root cause and how far it got (``demo.itil``)."""

    service: str
    issue: str
    workaround: str
    root_cause: str
    stage: str
    """``known_error`` (assessed, workaround published), ``fixing``, ``resolved`` or
    ``risk_accepted`` (a manager accepted it without a fix)."""


KNOWN_ERRORS = [
    KnownError(
        "VPN",
        "VPN drops every few minutes",
        "Reconnect with the backup gateway (vpn2.example.com) until the fix lands.",
        "A faulty line card in the primary VPN concentrator drops sessions under load.",
        "fixing",
    ),
    KnownError(
        "Email",
        "Calendar invites not arriving",
        "Open the invitation in the web mail (mail.example.com), where it arrives, and "
        "accept it there.",
        "The spam filter quarantines invitations signed by some outside calendar services.",
        "resolved",
    ),
    KnownError(
        "ERP",
        "Order screen very slow",
        "Open orders from the order list's search instead of the dashboard tile.",
        "",
        "known_error",
    ),
    KnownError(
        "Printing",
        "Printer jams on every job",
        "",
        "The kitchen printer's pickup rollers are worn out.",
        "risk_accepted",
    ),
]
