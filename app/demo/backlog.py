"""The demo backlogs in Danish: Overblik (an IT-portfolio product) and Borgerbooking.

This step writes what the backlogs hold: epics, items, the earlier work of the first sprints,
comments and WIP limits, each through the backlog's services and dated in the past. Every item
starts in the backlog; where it ends up (its status, whether it is blocked) is handed on in
`ctx["work"]`, and app/demo/sprints.py plays the board's moves and the sprints in the order
they happened.
"""
from dataclasses import dataclass
from datetime import timedelta

from app.backlog.models import Item, Status
from app.backlog.services import add_comment, create_item, rank_item
from app.board.services import set_wip_limits

# Short status codes used in the tables below.
ST = {"b": Status.BACKLOG, "r": Status.READY, "p": Status.IN_PROGRESS, "v": Status.REVIEW,
      "a": Status.ACCEPTANCE, "d": Status.DONE}

OVB_EPICS = [
    ("sys", "Systemoverblik", "Ét samlet register over kommunens it-systemer med ejere, "
     "anvendelse og livscyklus, så porteføljen kan styres på et oplyst grundlag."),
    ("kon", "Kontraktstyring", "Kontrakter, optioner og opsigelsesfrister samlet ét sted, med "
     "varsler i god tid før en frist udløber."),
    ("dpa", "Databehandleraftaler og tilsyn", "Overblik over databehandlere, aftaler og det "
     "årlige tilsyn, så kommunen kan dokumentere overholdelse af databeskyttelsesforordningen."),
    ("oko", "Økonomi og budget", "Drifts- og licensudgifter pr. system og fagområde, så "
     "budgetlægningen kan bygge på faktiske tal."),
    ("int", "Integrationer", "Data ind og ud af Overblik: FK Organisation, import fra KITOS og "
     "eksport til kommunens BI-løsning."),
    ("ux", "Tilgængelighed og brugervenlighed", "Overblik skal kunne bruges af alle og leve op "
     "til webtilgængelighedsloven."),
]

# epic, type, title, points, status at the end, labels, assignee
OVB_ITEMS = [
    ("sys", "story", "Opret et system med ejer, leverandør og fagområde", 5, "d", "register",
     "dev_nordlys"),
    ("sys", "story", "Vis systemets livscyklus: planlagt, i drift, under udfasning", 3, "d",
     "register", "dev2_nordlys"),
    ("sys", "story", "Søg og filtrér systemlisten på fagområde og ejer", 5, "d", "register,søgning",
     "dev_nordlys"),
    ("sys", "bug", "Systemlisten sorterer æ, ø og å forkert", 2, "d", "register,fejlrettelse",
     "dev2_nordlys"),
    ("sys", "story", "Registrér hvilke afdelinger der bruger et system", 3, "a", "register",
     "dev_nordlys"),
    ("sys", "story", "Marker forretningskritiske systemer og vis dem øverst", 2, "v",
     "register,risiko", "dev2_nordlys"),
    ("sys", "story", "Historik over ændringer i et systems stamdata", 5, "p", "register,revision",
     "dev_nordlys"),
    ("sys", "task", "Ryd op i dubletter efter pilotkommunernes første import", 2, "r",
     "datakvalitet", None),
    ("sys", "story", "Knyt systemer til KL's fælleskommunale rammearkitektur", 8, "b", "arkitektur",
     None),
    ("sys", "story", "Vis afhængigheder mellem systemer som en liste", 5, "b", "arkitektur", None),
    ("kon", "story", "Registrér en kontrakt med løbetid og optioner", 5, "d", "kontrakt",
     "dev_nordlys"),
    ("kon", "story", "Varsel til kontraktejeren 6 måneder før opsigelsesfrist", 5, "d",
     "kontrakt,varsling", "dev2_nordlys"),
    ("kon", "story", "Upload kontraktbilag som PDF", 3, "a", "kontrakt", "dev_nordlys"),
    ("kon", "bug", "Varsler sendes to gange ved skifte til sommertid", 2, "v",
     "varsling,fejlrettelse", "dev2_nordlys"),
    ("kon", "story", "Vis kontrakter der udløber inden for de næste 12 måneder", 3, "p", "kontrakt",
     "dev_nordlys"),
    ("kon", "story", "Knyt flere systemer til én rammekontrakt", 5, "r", "kontrakt", None),
    ("kon", "story", "Registrér SKI-aftale og delaftale på kontrakten", 2, "r", "kontrakt,udbud",
     None),
    ("kon", "story", "Eksportér kontraktoversigten til regneark", 3, "b", "kontrakt,eksport", None),
    ("kon", "story", "Påmindelse om genudbud ved sidste option", 3, "b", "kontrakt,udbud", None),
    ("dpa", "story", "Registrér databehandlere og underdatabehandlere", 5, "d", "gdpr",
     "dev2_nordlys"),
    ("dpa", "story", "Tilknyt databehandleraftale til system og kontrakt", 3, "d", "gdpr,kontrakt",
     "dev_nordlys"),
    ("dpa", "story", "Årshjul for tilsyn med databehandlere", 8, "p", "gdpr,tilsyn",
     "dev2_nordlys"),
    ("dpa", "story", "Markér behandlinger med overførsel til tredjelande", 3, "v", "gdpr,risiko",
     "dev_nordlys"),
    ("dpa", "story", "Tjekliste til tilsyn med spørgsmål fra Datatilsynets vejledning", 5, "r",
     "gdpr,tilsyn", None),
    ("dpa", "bug", "Underdatabehandlere forsvinder når aftalen redigeres", 3, "a",
     "gdpr,fejlrettelse", "dev2_nordlys"),
    ("dpa", "story", "Rapport til DPO over manglende aftaler", 3, "b", "gdpr,rapport", None),
    ("dpa", "task", "Gennemgå feltnavne med kommunernes DPO-netværk", 1, "r", "gdpr", None),
    ("oko", "story", "Registrér årlige licens- og driftsudgifter pr. system", 5, "d", "økonomi",
     "dev_nordlys"),
    ("oko", "story", "Fordel udgifter på fagområder og omkostningssteder", 8, "p", "økonomi",
     "dev_nordlys"),
    ("oko", "story", "Sammenlign budget og forbrug pr. år", 5, "r", "økonomi,rapport", None),
    ("oko", "story", "Import af kontoplan fra ØS-systemet", 5, "b", "økonomi,import", None),
    ("oko", "story", "Prisfremskrivning med KL's pris- og lønskøn", 3, "b", "økonomi", None),
    ("oko", "bug", "Beløb over 1 mio. vises med forkert tusindtalsseparator", 1, "d",
     "økonomi,fejlrettelse", "dev2_nordlys"),
    ("int", "story", "Hent organisationsenheder fra FK Organisation", 8, "d",
     "integration,fk-organisation", "dev_nordlys"),
    ("int", "story", "Importér systemer fra KITOS via API", 8, "v", "integration,kitos",
     "dev2_nordlys"),
    ("int", "story", "Natlig synkronisering af brugere fra FK Organisation", 5, "p",
     "integration,fk-organisation", "dev_nordlys"),
    ("int", "story", "Eksport til kommunens BI-løsning som CSV", 3, "r", "integration,eksport",
     None),
    ("int", "task", "Opsæt testmiljø mod FK Organisations eksterne testmiljø", 2, "d",
     "integration,drift", "dev2_nordlys"),
    ("int", "story", "Log over importkørsler med fejl og advarsler", 3, "b", "integration,drift",
     None),
    ("int", "story", "Webhook når et system skifter ejer", 5, "b", "integration", None),
    ("ux", "story", "Tastaturbetjening af alle lister og formularer", 5, "d", "tilgængelighed",
     "dev2_nordlys"),
    ("ux", "story", "Kontrastkrav i farvepaletten (WCAG 2.1 AA)", 2, "d", "tilgængelighed",
     "dev_nordlys"),
    ("ux", "bug", "Skærmlæser læser ikke fejlbeskeder i formularer op", 2, "a",
     "tilgængelighed,fejlrettelse", "dev_nordlys"),
    ("ux", "story", "Tilgængelighedserklæring på was.digst.dk", 1, "r", "tilgængelighed", None),
    ("ux", "story", "Engelsk brugerflade for udenlandske medarbejdere", 5, "b", "sprog", None),
    ("ux", "task", "Brugertest med fem sagsbehandlere fra Roskilde", 3, "r", "brugertest", None),
    ("ux", "story", "Forside med mine systemer og kommende frister", 5, "b", "overblik", None),
    (None, "task", "Opgrader til PostgreSQL 16 i driftsmiljøet", 2, "d", "drift", "dev2_nordlys"),
    (None, "bug", "Session udløber midt i lange formularer", 2, "p", "fejlrettelse",
     "dev2_nordlys"),
    (None, "task", "Penetrationstest før udrulning til alle kommuner", 5, "r", "sikkerhed", None),
    (None, "story", "Log-ud efter 30 minutters inaktivitet", 1, "b", "sikkerhed", None),
    (None, "task", "Driftsvejledning til kommunernes it-afdelinger", 3, "b", "drift,dokumentation",
     None),
    (None, "bug", "PDF-eksport mangler sidetal", 1, "b", "eksport,fejlrettelse", None),
    (None, "story", "Notifikationer samlet i en ugentlig e-mail", 3, "b", "varsling", None),
    (None, "task", "Opdatér databehandleraftalen med Nordlys for hostingen", 1, "v", "gdpr",
     "lead_nordlys"),
    (None, "story", "Rollebaseret adgang pr. forvaltning", 8, "b", "sikkerhed", None),
]

BOOK_EPICS = [
    ("tid", "Tidsbestilling", "Borgere booker, flytter og aflyser tider hos borgerservice, "
     "jobcenter og genbrugsstationer."),
    ("adm", "Administration for medarbejdere", "Medarbejdere styrer kalendere, ressourcer og "
     "åbningstider."),
    ("kom", "Påmindelser og kommunikation", "SMS og Digital Post om tider, flytninger og "
     "aflysninger."),
]

BOOK_ITEMS = [
    ("tid", "story", "Book tid til pas og kørekort med MitID", 8, "d", "borger,mitid",
     "dev_nordlys"),
    ("tid", "story", "Flyt eller aflys en booket tid via link i kvitteringen", 5, "d", "borger",
     "dev2_nordlys"),
    ("tid", "story", "Vælg genbrugsstation og tidsrum for trailerkørsel", 5, "a", "borger,genbrug",
     "dev_nordlys"),
    ("tid", "bug", "Ledige tider vises i UTC i stedet for dansk tid", 2, "d", "fejlrettelse",
     "dev2_nordlys"),
    ("tid", "story", "Book samtale i jobcentret uden MitID med engangskode", 5, "p",
     "borger,jobcenter", "dev_nordlys"),
    ("tid", "story", "Venteliste når alle tider er optaget", 5, "r", "borger", None),
    ("tid", "story", "Tidsbestilling for en anden (værge eller pårørende)", 8, "b",
     "borger,fuldmagt", None),
    ("tid", "story", "Vis forventet ventetid i borgerservice", 3, "b", "borger", None),
    ("adm", "story", "Opret kalendere pr. skranke og medarbejder", 5, "d", "medarbejder",
     "dev2_nordlys"),
    ("adm", "story", "Luk tider ved sygdom og send besked til de berørte borgere", 5, "v",
     "medarbejder,kommunikation", "dev_nordlys"),
    ("adm", "story", "Særlige åbningstider på helligdage", 2, "r", "medarbejder", None),
    ("adm", "story", "Statistik over udeblivelser pr. ydelse", 3, "b", "medarbejder,rapport", None),
    ("adm", "bug", "Dobbeltbooking mulig ved samtidig bestilling", 3, "p",
     "fejlrettelse,samtidighed", "dev2_nordlys"),
    ("adm", "task", "Import af åbningstider fra Odenses nuværende system", 2, "r",
     "medarbejder,import", None),
    ("kom", "story", "SMS-påmindelse dagen før en tid", 3, "d", "kommunikation,sms", "dev_nordlys"),
    ("kom", "story", "Kvittering i Digital Post", 5, "a", "kommunikation,digital-post",
     "dev2_nordlys"),
    ("kom", "story", "Borgeren vælger selv SMS eller e-mail", 2, "b", "kommunikation", None),
    ("kom", "bug", "Æ, ø og å bliver til spørgsmålstegn i SMS", 1, "v",
     "kommunikation,fejlrettelse", "dev_nordlys"),
    (None, "task", "Tilgængelighedstest af bookingflowet", 3, "r", "tilgængelighed", None),
    (None, "task", "Driftsovervågning og alarmer for SMS-gatewayen", 2, "b", "drift", None),
    (None, "story", "Engelsk version af bookingsiderne", 3, "b", "sprog", None),
    (None, "task", "Risikovurdering af behandlingen af CPR-numre", 2, "p", "gdpr", "dev_nordlys"),
]

# The items blocked now (since yesterday), and why.
BLOCKED = {
    "Årshjul for tilsyn med databehandlere": "Venter på skabelon for tilsynsrapport fra KL.",
    "Import af kontoplan fra ØS-systemet": "Afventer adgang til testdata fra Ballerup Kommune.",
    "Natlig synkronisering af brugere fra FK Organisation":
        "Certifikat til FK Organisation er endnu ikke udstedt.",
    "Dobbeltbooking mulig ved samtidig bestilling":
        "Kræver ændring i databasens låsning; aftales med drift.",
}

# epic, type, title, points, labels, assignee: the earlier work of the first sprints, all done.
OVB_EARLIER = [
    (None, "task", "Opsæt test- og produktionsmiljø hos driftsleverandøren", 5, "drift",
     "dev2_nordlys"),
    # Estimated at 5 first; the team raises it to 8 in Sprint 1 (app/demo/sprints.py).
    ("sys", "task", "Datamodel for systemer, ejere og leverandører", 5, "register,arkitektur",
     "dev_nordlys"),
    (None, "story", "Log ind med kommunens AD FS", 8, "sikkerhed,login", "dev_nordlys"),
    ("ux", "task", "Designsystem: knapper, formularer og tabeller", 8, "brugerflade,tilgængelighed",
     "dev2_nordlys"),
    (None, "task", "Automatiske tests og udrulning (CI/CD)", 5, "drift", "dev2_nordlys"),
    ("sys", "story", "Importér systemliste fra regneark ved opstart", 5, "register,import",
     "dev_nordlys"),
    (None, "story", "Roller: læser, redaktør og administrator", 5, "sikkerhed", "dev2_nordlys"),
    ("ux", "story", "Grundlayout med kommunens logo og navigation", 3, "brugerflade",
     "dev2_nordlys"),
    ("sys", "story", "Vis systemets kontaktpersoner og afdelinger", 3, "register", "dev_nordlys"),
    ("kon", "story", "Datamodel for kontrakter og optioner", 5, "kontrakt", "dev_nordlys"),
    ("kon", "story", "Vis kontrakter på systemets side", 3, "kontrakt", "dev2_nordlys"),
    ("kon", "bug", "Datoer for optioner gemmes en dag forkert", 2, "kontrakt,fejlrettelse",
     "dev2_nordlys"),
    ("kon", "story", "Kontraktliste med sortering på udløbsdato", 5, "kontrakt", "dev_nordlys"),
    ("int", "task", "Aftal snitflade med KITOS-sekretariatet", 2, "integration,kitos",
     "lead_nordlys"),
    ("ux", "story", "Søgning på tværs af systemer, kontrakter og leverandører", 8, "søgning",
     "dev2_nordlys"),
    ("dpa", "story", "Registrér behandlingsaktiviteter pr. system", 8, "gdpr", "dev_nordlys"),
    ("dpa", "story", "Upload databehandleraftale som PDF", 3, "gdpr", "dev2_nordlys"),
    ("ux", "bug", "Fokus forsvinder efter at have gemt en formular", 2,
     "tilgængelighed,fejlrettelse", "dev_nordlys"),
    ("oko", "story", "Registrér anskaffelsespris og afskrivning", 5, "økonomi", "dev_nordlys"),
    ("int", "story", "Eksportér systemlisten til regneark", 3, "eksport", "dev2_nordlys"),
    (None, "bug", "Eksport fejler ved mere end 1.000 rækker", 3, "eksport,fejlrettelse",
     "dev2_nordlys"),
    ("ux", "task", "Brugertest af systemregistret med tre kommuner", 3, "brugertest",
     "lead_nordlys"),
    ("sys", "story", "Systemets side med stamdata, kontrakter og databehandlere", 8, "register",
     "dev_nordlys"),
    ("kon", "story", "Registrér leverandører med CVR-nummer og kontaktperson", 5, "kontrakt",
     "dev2_nordlys"),
    (None, "task", "Sikkerhedskopiering og gendannelsestest", 3, "drift,sikkerhed", "dev2_nordlys"),
    ("int", "story", "Opslag af leverandør i CVR-registret", 5, "integration", "dev_nordlys"),
    ("dpa", "story", "Liste over systemer uden databehandleraftale", 5, "gdpr,rapport",
     "dev_nordlys"),
    ("ux", "story", "Udskriftsvenlig visning af systemets side", 3, "brugerflade", "dev2_nordlys"),
    (None, "story", "Revisionslog over hvem der har ændret hvad", 8, "sikkerhed,revision",
     "dev2_nordlys"),
    ("oko", "story", "Fordel licensudgifter på antal brugere", 5, "økonomi", "dev_nordlys"),
    ("kon", "story", "Vis optioner, der kan udnyttes inden for et år", 3, "kontrakt",
     "dev2_nordlys"),
    ("sys", "bug", "Dubletter ved import når systemnavnet har mellemrum til sidst", 2,
     "import,fejlrettelse", "dev_nordlys"),
]

BOOK_EARLIER = [
    (None, "task", "Opsæt driftsmiljø og overvågning", 3, "drift", "dev2_nordlys"),
    # Estimated at 2 first; the team raises it to 5 in Sprint 1 (app/demo/sprints.py).
    ("adm", "story", "Opret ydelser med varighed og forberedelsestid", 2, "medarbejder",
     "dev_nordlys"),
    ("tid", "story", "Kalender med ledige tider for den valgte ydelse", 5, "borger", "dev_nordlys"),
    ("adm", "story", "Medarbejderlogin med kommunens AD", 5, "medarbejder,sikkerhed",
     "dev2_nordlys"),
    ("kom", "task", "Aftale med SMS-udbyder og testkonto", 2, "kommunikation,sms", "dev_nordlys"),
    ("tid", "story", "Kvittering med tid og sted på skærmen og på e-mail", 3,
     "borger,kommunikation", "dev2_nordlys"),
    ("tid", "bug", "Kalenderen viser lørdage som åbne", 2, "fejlrettelse", "dev_nordlys"),
    ("adm", "story", "Dagsoversigt over bookede tider pr. skranke", 3, "medarbejder",
     "dev2_nordlys"),
    ("tid", "story", "Vælg sted, når ydelsen tilbydes flere steder", 5, "borger", "dev_nordlys"),
    ("adm", "story", "Åbningstider pr. sted og ugedag", 3, "medarbejder", "dev2_nordlys"),
    ("kom", "story", "E-mailkvittering med mulighed for at tilføje tiden til kalenderen", 3,
     "kommunikation", "dev_nordlys"),
    (None, "task", "Penetrationstest af bookingflowet", 5, "sikkerhed", "dev2_nordlys"),
]

COMMENTS = [
    ("po_aarhus", "Vi har testet det i Aarhus med tre sagsbehandlere. Det virker, men "
     "**filtreringen** skal huske valget, når man går tilbage til listen."),
    ("dev_nordlys", "Godt input. Vi gemmer filtrene i adressen, så man også kan dele et link."),
    ("fag_roskilde", "Kan vi få et felt til bemærkninger? I Roskilde noterer vi ofte, hvorfor et "
     "system er under udfasning."),
    ("po_ballerup", "Acceptkriterierne er opdateret efter mødet i koordinationsgruppen."),
    ("lead_nordlys", "Estimatet er hævet fra 5 til 8 point efter afklaring med FK Organisation."),
    ("dev2_nordlys", "Der er en testversion klar i testmiljøet. Se særligt:\n\n- listen over "
     "ændringer\n- eksporten til regneark"),
    ("fag_soro", "Sorø bakker op. Vi bruger i dag et regneark til det, og det er svært at holde "
     "opdateret."),
    ("po_aarhus", "Husk at teste med et system, der har mere end én leverandør."),
    ("sek_community", "Punktet er sat på dagsordenen til næste styregruppemøde."),
    ("fag_bronderslev", "I Brønderslev har vi brug for at kunne se det på fagområde-niveau."),
]

BOOK_COMMENTS = [
    ("po_odense", "Odense ønsker, at borgeren kan se adressen på genbrugsstationen i "
     "kvitteringen."),
    ("dev_nordlys", "Det kommer med i næste version; vi henter adressen fra ressourcen."),
    ("po_aarhus", "Vi har set flere udeblivelser om mandagen. Kan påmindelsen sendes to dage "
     "før?"),
    ("dev2_nordlys", "Fejlen skyldes tegnsættet hos SMS-udbyderen; vi skifter til UCS-2."),
]

# Per project: its tables, how many days ago the work began, and its two product owners (the
# first writes the epics and accepts, the second makes items ready).
PROJECTS = {
    "OVB": (OVB_EPICS, OVB_ITEMS, OVB_EARLIER, COMMENTS, 70, ("po_ballerup", "po_aarhus")),
    "BOOK": (BOOK_EPICS, BOOK_ITEMS, BOOK_EARLIER, BOOK_COMMENTS, 45, ("po_aarhus", "po_odense")),
}
# The ranking puts work under way first (acceptance, review, in progress), then what is ready,
# the rest of the backlog, and done work last.
RANKING = "avprbd"


@dataclass
class Work:
    """A demo item and where the story leaves it."""

    item: Item
    target: str  # its status at the end
    blocked: str = ""  # why it is blocked at the end, if it is
    is_earlier: bool = False  # the earlier work of the first sprints


def _criteria(title: str) -> str:
    return ("- Funktionen virker i de gængse browsere og med tastatur alene\n"
            f"- \"{title}\" er beskrevet i brugervejledningen\n"
            "- Produktejeren har godkendt løsningen i testmiljøet")


def _seed_project(project, users, now) -> list[Work]:
    """Epics, items in rank order, the earlier work and comments of one project."""
    epics_spec, items_spec, earlier_spec, comments, days, owners = PROJECTS[project.key]
    start = now - timedelta(days=days)
    epics = {}
    for n, (code, title, description) in enumerate(epics_spec):
        epics[code] = create_item(project, users[owners[0]], title, "epic",
                                  description=description, at=start + timedelta(hours=n))
    ranked = sorted(items_spec, key=lambda spec: RANKING.index(spec[4]))
    # What got done was written first: it had to exist before the sprints that did it.
    written = sorted(range(len(ranked)), key=lambda n: ranked[n][4] != "d")
    created = {n: start + timedelta(days=1 + k * days / (len(ranked) * 2.2))
               for k, n in enumerate(written)}
    work = []
    for n, (epic, kind, title, points, code, labels, assignee) in enumerate(ranked):
        item = create_item(
            project, users[owners[n % 2]], title, kind, estimate=points,
            description=(f"{title}.\n\nBehovet er rejst af kommunerne i fællesskabet og "
                         "drøftet i koordinationsgruppen. Løsningen skal virke for både store "
                         "og små kommuner."),
            acceptance_criteria=_criteria(title) if code != "b" else "",
            parent_id=epics[epic].id if epic else None, labels=labels,
            assignee_id=users[assignee].id if assignee else None, at=created[n])
        work.append(Work(item, ST[code], BLOCKED.get(title, "")))
    for epic in epics.values():  # epics are containers: below the work itself
        rank_item(epic, users[owners[0]], "bottom", at=start + timedelta(days=1))
    _comment(users, [w.item for w in work], comments, now)
    for epic, kind, title, points, labels, assignee in earlier_spec:
        item = create_item(
            project, users[owners[0]], title, kind, estimate=points, labels=labels,
            description=f"{title}.\n\nEn del af det første fundament for {project.name}.",
            acceptance_criteria="- Produktejeren har godkendt løsningen i testmiljøet",
            parent_id=epics[epic].id if epic else None, assignee_id=users[assignee].id,
            at=start + timedelta(days=1, hours=1))
        work.append(Work(item, Status.DONE, is_earlier=True))
    return work


def _comment(users, items: list[Item], comments, now) -> None:
    """Each comment three times, on items spread over the backlog, over the last month."""
    for n, (handle, body) in enumerate(comments * 3):
        item = items[(n * 7) % len(items)]
        at = max(item.created_at, now - timedelta(days=30 - n)) + timedelta(hours=2)
        add_comment(item, users[handle], body, at=min(at, now))


def seed_backlog(ctx: dict) -> dict:
    """Backlogs for OVB and BOOK with comments and WIP limits; `ctx["work"]` says where each
    item ends up."""
    projects, users, now = ctx["projects"], ctx["users"], ctx["now"]
    ctx["work"] = {key: _seed_project(projects[key], users, now) for key in PROJECTS}
    set_wip_limits(projects["OVB"], {"in_progress": "5", "review": "3", "acceptance": "4"})
    set_wip_limits(projects["BOOK"], {"in_progress": "3", "review": "2"})
    epics = sum(len(spec[0]) for spec in PROJECTS.values())
    return {"backlog items": epics + sum(len(work) for work in ctx["work"].values())}
