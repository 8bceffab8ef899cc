"""The demo's users: one list that the loader, the login page, the README and the command's
printout all read, so that they can never disagree.

Kept free of model imports so that the login page can show the table cheaply. The people are
invented; none is one of the real people named in the seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samla.idnumbers import LegalSex, test_personnummer

# One shared password, long enough for the validators in settings (12 characters, not common,
# not numeric). It only ever exists in a demo database: SAMLA_DEMO refuses production.
DEMO_PASSWORD = "samla-demo-2026"  # noqa: S105

SOFINT = "Sofint"
OSTRA_SODERTORN = "Östra Södertörn"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    title: str
    organisation: str  # an organisation name as samla.demo.data builds it
    role: str  # a samla.accounts.models.Role value
    association: str | None  # an association's short name; None for organisation roles
    description: str


# fmt: off
DEMO_USERS: tuple[DemoUser, ...] = (
    # Sofint, norra Örebro län
    DemoUser(
        "koordinator.lindesberg", "Sara", "Lundqvist", "Personlig koordinator",
        "Lindesbergs kommun", "coordinator", SOFINT,
        "Koordinator, Lindesbergs kommun (Sofint)",
    ),
    DemoUser(
        "koordinator.nora", "Johan", "Eklund", "Personlig koordinator",
        "Nora kommun", "coordinator", SOFINT,
        "Koordinator, Nora kommun (Sofint)",
    ),
    DemoUser(
        "handlaggare.fk.sofint", "Helena", "Strand", "Handläggare sjukpenning",
        "Försäkringskassan", "case_handler", SOFINT,
        "Handläggare, Försäkringskassan (Sofint)",
    ),
    DemoUser(
        "handlaggare.af.sofint", "Mikael", "Hedlund", "Arbetsförmedlare",
        "Arbetsförmedlingen", "case_handler", SOFINT,
        "Handläggare, Arbetsförmedlingen (Sofint)",
    ),
    DemoUser(
        "handlaggare.region.orebro", "Anneli", "Forsman", "Kurator, vårdcentral",
        "Region Örebro län", "case_handler", SOFINT,
        "Handläggare, Region Örebro län (Sofint)",
    ),
    DemoUser(
        "handlaggare.hallefors", "Peter", "Sandell", "Socialsekreterare, ekonomiskt bistånd",
        "Hällefors kommun", "case_handler", SOFINT,
        "Handläggare, socialtjänsten i Hällefors kommun (Sofint)",
    ),
    DemoUser(
        "personal.activa", "Linnea", "Wiklund", "Handledare",
        "Stiftelsen Activa", "activity_staff", SOFINT,
        "Insatspersonal, Stiftelsen Activa (Sofint)",
    ),
    DemoUser(
        "esf.activa", "Maria", "Lind", "ESF-samordnare",
        "Stiftelsen Activa", "esf_reporter", SOFINT,
        "ESF-rapportör, Stiftelsen Activa (Sofint)",
    ),
    DemoUser(
        "kansli.sofint", "Birgitta", "Holmgren", "Förbundschef",
        "Samordningsförbundet Sofint", "association_office", SOFINT,
        "Förbundets kansli, Samordningsförbundet Sofint",
    ),
    DemoUser(
        "styrelse.sofint", "Lars", "Nyström", "Kommunalråd",
        "Ljusnarsbergs kommun", "board_member", SOFINT,
        "Styrelseledamot, Ljusnarsbergs kommun (Sofint)",
    ),
    # Östra Södertörn
    DemoUser(
        "koordinator.tyreso", "Emma", "Lindqvist", "Personlig koordinator",
        "Tyresö kommun", "coordinator", OSTRA_SODERTORN,
        "Koordinator, Tyresö kommun (Östra Södertörn)",
    ),
    DemoUser(
        "koordinator.haninge", "Ahmed", "Yusuf", "Personlig koordinator",
        "Haninge kommun", "coordinator", OSTRA_SODERTORN,
        "Koordinator, Haninge kommun (Östra Södertörn)",
    ),
    DemoUser(
        "handlaggare.fk.sodertorn", "Karin", "Åberg", "Handläggare sjukpenning",
        "Försäkringskassan", "case_handler", OSTRA_SODERTORN,
        "Handläggare, Försäkringskassan (Östra Södertörn)",
    ),
    DemoUser(
        "handlaggare.af.sodertorn", "Tobias", "Engström", "Arbetsförmedlare",
        "Arbetsförmedlingen", "case_handler", OSTRA_SODERTORN,
        "Handläggare, Arbetsförmedlingen (Östra Södertörn)",
    ),
    DemoUser(
        "handlaggare.region.stockholm", "Maja", "Bergqvist", "Arbetsterapeut, psykiatrin",
        "Region Stockholm", "case_handler", OSTRA_SODERTORN,
        "Handläggare, Region Stockholm (Östra Södertörn)",
    ),
    DemoUser(
        "handlaggare.nynashamn", "Oskar", "Palm", "Socialsekreterare, ekonomiskt bistånd",
        "Nynäshamns kommun", "case_handler", OSTRA_SODERTORN,
        "Handläggare, socialtjänsten i Nynäshamns kommun (Östra Södertörn)",
    ),
    DemoUser(
        "personal.sodertorn", "Nadia", "Haddad", "Handledare",
        "Arbetsmarknadsenheten Södertörn", "activity_staff", OSTRA_SODERTORN,
        "Insatspersonal, Arbetsmarknadsenheten Södertörn (Östra Södertörn)",
    ),
    DemoUser(
        "kansli.sodertorn", "Cecilia", "Dahlberg", "Verksamhetsledare",
        "Samordningsförbundet Östra Södertörn", "association_office", OSTRA_SODERTORN,
        "Förbundets kansli, Samordningsförbundet Östra Södertörn",
    ),
    DemoUser(
        "styrelse.sodertorn", "Göran", "Holm", "Regionråd",
        "Region Stockholm", "board_member", OSTRA_SODERTORN,
        "Styrelseledamot, Region Stockholm (Östra Södertörn)",
    ),
    # Organisation administrators and log reviewers
    DemoUser(
        "admin.fk", "Ingrid", "Sjöberg", "Systemförvaltare och loggranskare",
        "Försäkringskassan", "org_admin", None,
        "Organisationsadministratör och loggranskare, Försäkringskassan",
    ),
    DemoUser(
        "admin.lindesberg", "Fredrik", "Ek", "Informationssäkerhetssamordnare",
        "Lindesbergs kommun", "org_admin", None,
        "Organisationsadministratör och loggranskare, Lindesbergs kommun",
    ),
    DemoUser(
        "admin.tyreso", "Elin", "Norberg", "Informationssäkerhetssamordnare",
        "Tyresö kommun", "org_admin", None,
        "Organisationsadministratör och loggranskare, Tyresö kommun",
    ),
)
# fmt: on


@dataclass(frozen=True)
class DemoPerson:
    """A participant who logs in to Min Samla with the demo's e-ID (``samla.demo.persons``
    builds their case through the apps' actions)."""

    first_name: str
    last_name: str
    sex: LegalSex
    birth_date: date
    organisation: str  # the controlling organisation, a name as samla.demo.data builds it
    association: str  # an association's short name
    coordinator: str  # the username of the demo coordinator login who owns the case
    handlers: tuple[str, ...]  # usernames of demo handler logins on the team (FK first)
    description: str
    also_at: str | None = None  # a demo coordinator at another controller who holds a record too


# fmt: off
DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "Elin", "Berg", "F", date(1991, 3, 14), "Lindesbergs kommun", SOFINT,
        "koordinator.lindesberg", ("handlaggare.fk.sofint", "handlaggare.af.sofint"),
        "Deltagare i Sofint, koordinator Sara Lundqvist, en ändrad plan väntar på "
        "godkännande, uppgifter hos två kommuner",
        also_at="koordinator.nora",
    ),
    DemoPerson(
        "Jonas", "Ekström", "M", date(1984, 9, 2), "Tyresö kommun", OSTRA_SODERTORN,
        "koordinator.tyreso", ("handlaggare.fk.sodertorn", "handlaggare.af.sodertorn"),
        "Deltagare i Östra Södertörn, koordinator Emma Lindqvist, en plan väntar på "
        "godkännande, hälsan delas inte",
    ),
    DemoPerson(
        "Amira", "Sundberg", "F", date(2001, 11, 27), "Haninge kommun", OSTRA_SODERTORN,
        "koordinator.haninge", ("handlaggare.fk.sodertorn", "handlaggare.af.sodertorn"),
        "Deltagare i Östra Södertörn, koordinator Ahmed Yusuf, en överenskommen plan",
    ),
)
# fmt: on


def person_number(person: DemoPerson) -> str:
    """The demo person's personnummer, one of Skatteverket's test numbers, the same on every
    load. The participants the demo generates never get it (``reserved_numbers``)."""
    return test_personnummer(person.birth_date, person.sex, index=9).value


def reserved_numbers() -> frozenset[str]:
    """The demo staff's and the demo people's numbers: no generated participant has one, so that
    nobody logs in as someone else."""
    return frozenset(
        [*(identity_number(user) for user in DEMO_USERS), *map(person_number, DEMO_PEOPLE)]
    )


def demo_people() -> list[str]:
    """Each demo person in a line, for the Min Samla login page."""
    return [f"{p.first_name} {p.last_name} – {p.description}" for p in DEMO_PEOPLE]


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, description) for every demo user, in the order to show them."""
    return [(user.username, DEMO_PASSWORD, user.description) for user in DEMO_USERS]


def logins_table() -> str:
    """The logins as a plain-text table, for the command's printout."""
    rows = [("Användarnamn", "Lösenord", "Roll"), *demo_logins()]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    lines = [f"{u:<{widths[0]}}  {p:<{widths[1]}}  {d}" for u, p, d in rows]
    lines.insert(1, "-" * max(len(line) for line in lines))
    people = [
        "",
        "Min Samla: logga in på http://127.0.0.1:8000/min-samla/ med 'Logga in med "
        "e-legitimation (demo)' och välj personen:",
        *(f"  {line}" for line in demo_people()),
    ]
    return "\n".join([*lines, *people])


# Who of the demo's staff is a man, for a test personnummer of the right kind.
_MEN = {"Johan", "Mikael", "Peter", "Lars", "Ahmed", "Tobias", "Oskar", "Göran", "Fredrik"}


def identity_number(user: DemoUser) -> str:
    """The demo user's personnummer, for e-ID in the demo: one of Skatteverket's test numbers,
    the same on every load."""
    position = DEMO_USERS.index(user)
    born = date(1962 + position, 1 + position % 12, 1 + position % 28)
    return test_personnummer(born, "M" if user.first_name in _MEN else "F").value
