"""What the demo desk looks like: teams, people, services and categories."""

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

CATEGORIES: dict[str, list[str]] = {
    "Hardware": ["Laptop", "Printer", "Monitor"],
    "Software": ["Mail client", "Browser", "Office suite"],
    "Network": ["Connectivity", "VPN client", "DNS"],
    "Access": ["Password reset", "Permissions", "New account"],
    "Database": ["Performance", "Outage"],
}

TITLES: dict[str, list[str]] = {
    "Email": ["Cannot send email", "Mailbox full", "Calendar invites not arriving"],
    "VPN": ["VPN drops every few minutes", "Cannot connect to VPN", "VPN very slow"],
    "Wi-Fi": ["No Wi-Fi on floor 3", "Wi-Fi asks for password again"],
    "Payroll": ["Payslips missing for March", "Payroll run failed"],
    "ERP": ["ERP login error 500", "Invoices stuck in draft", "Stock figures wrong"],
    "Website": ["Website down", "Checkout page slow", "Broken images on home page"],
    "File shares": ["Cannot open team drive", "Files disappeared from share"],
    "Printing": ["Printer jams on every job", "Cannot scan to email"],
}
