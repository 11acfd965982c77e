"""Demo backlogs in Danish: Overblik (an IT-portfolio product) and Borgerbooking.

Items are made through the real services with dates in the past, so history, acceptance
records and the board look like several weeks of work."""
from datetime import timedelta

from app.backlog.models import Status
from app.backlog.services import add_comment, create_item, rank_item, update_item
from app.board.services import move_item, set_wip_limits
from app.database import utcnow

FLOW = [Status.BACKLOG, Status.READY, Status.IN_PROGRESS, Status.REVIEW, Status.ACCEPTANCE,
        Status.DONE]

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

# epic, type, title, points, status, labels, assignee, blocked because
OVB_ITEMS = [
    ("sys", "story", "Opret et system med ejer, leverandør og fagområde", 5, "d", "register", "dev_nordlys", ""),
    ("sys", "story", "Vis systemets livscyklus: planlagt, i drift, under udfasning", 3, "d", "register", "dev2_nordlys", ""),
    ("sys", "story", "Søg og filtrér systemlisten på fagområde og ejer", 5, "d", "register,søgning", "dev_nordlys", ""),
    ("sys", "bug", "Systemlisten sorterer æ, ø og å forkert", 2, "d", "register,fejlrettelse", "dev2_nordlys", ""),
    ("sys", "story", "Registrér hvilke afdelinger der bruger et system", 3, "a", "register", "dev_nordlys", ""),
    ("sys", "story", "Marker forretningskritiske systemer og vis dem øverst", 2, "v", "register,risiko", "dev2_nordlys", ""),
    ("sys", "story", "Historik over ændringer i et systems stamdata", 5, "p", "register,revision", "dev_nordlys", ""),
    ("sys", "task", "Ryd op i dubletter efter pilotkommunernes første import", 2, "r", "datakvalitet", None, ""),
    ("sys", "story", "Knyt systemer til KL's fælleskommunale rammearkitektur", 8, "b", "arkitektur", None, ""),
    ("sys", "story", "Vis afhængigheder mellem systemer som en liste", 5, "b", "arkitektur", None, ""),
    ("kon", "story", "Registrér en kontrakt med løbetid og optioner", 5, "d", "kontrakt", "dev_nordlys", ""),
    ("kon", "story", "Varsel til kontraktejeren 6 måneder før opsigelsesfrist", 5, "d", "kontrakt,varsling", "dev2_nordlys", ""),
    ("kon", "story", "Upload kontraktbilag som PDF", 3, "a", "kontrakt", "dev_nordlys", ""),
    ("kon", "bug", "Varsler sendes to gange ved skifte til sommertid", 2, "v", "varsling,fejlrettelse", "dev2_nordlys", ""),
    ("kon", "story", "Vis kontrakter der udløber inden for de næste 12 måneder", 3, "p", "kontrakt", "dev_nordlys", ""),
    ("kon", "story", "Knyt flere systemer til én rammekontrakt", 5, "r", "kontrakt", None, ""),
    ("kon", "story", "Registrér SKI-aftale og delaftale på kontrakten", 2, "r", "kontrakt,udbud", None, ""),
    ("kon", "story", "Eksportér kontraktoversigten til regneark", 3, "b", "kontrakt,eksport", None, ""),
    ("kon", "story", "Påmindelse om genudbud ved sidste option", 3, "b", "kontrakt,udbud", None, ""),
    ("dpa", "story", "Registrér databehandlere og underdatabehandlere", 5, "d", "gdpr", "dev2_nordlys", ""),
    ("dpa", "story", "Tilknyt databehandleraftale til system og kontrakt", 3, "d", "gdpr,kontrakt", "dev_nordlys", ""),
    ("dpa", "story", "Årshjul for tilsyn med databehandlere", 8, "p", "gdpr,tilsyn", "dev2_nordlys", "Venter på skabelon for tilsynsrapport fra KL."),
    ("dpa", "story", "Markér behandlinger med overførsel til tredjelande", 3, "v", "gdpr,risiko", "dev_nordlys", ""),
    ("dpa", "story", "Tjekliste til tilsyn med spørgsmål fra Datatilsynets vejledning", 5, "r", "gdpr,tilsyn", None, ""),
    ("dpa", "bug", "Underdatabehandlere forsvinder når aftalen redigeres", 3, "a", "gdpr,fejlrettelse", "dev2_nordlys", ""),
    ("dpa", "story", "Rapport til DPO over manglende aftaler", 3, "b", "gdpr,rapport", None, ""),
    ("dpa", "task", "Gennemgå feltnavne med kommunernes DPO-netværk", 1, "r", "gdpr", None, ""),
    ("oko", "story", "Registrér årlige licens- og driftsudgifter pr. system", 5, "d", "økonomi", "dev_nordlys", ""),
    ("oko", "story", "Fordel udgifter på fagområder og omkostningssteder", 8, "p", "økonomi", "dev_nordlys", ""),
    ("oko", "story", "Sammenlign budget og forbrug pr. år", 5, "r", "økonomi,rapport", None, ""),
    ("oko", "story", "Import af kontoplan fra ØS-systemet", 5, "b", "økonomi,import", None, "Afventer adgang til testdata fra Ballerup Kommune."),
    ("oko", "story", "Prisfremskrivning med KL's pris- og lønskøn", 3, "b", "økonomi", None, ""),
    ("oko", "bug", "Beløb over 1 mio. vises med forkert tusindtalsseparator", 1, "d", "økonomi,fejlrettelse", "dev2_nordlys", ""),
    ("int", "story", "Hent organisationsenheder fra FK Organisation", 8, "d", "integration,fk-organisation", "dev_nordlys", ""),
    ("int", "story", "Importér systemer fra KITOS via API", 8, "v", "integration,kitos", "dev2_nordlys", ""),
    ("int", "story", "Natlig synkronisering af brugere fra FK Organisation", 5, "p", "integration,fk-organisation", "dev_nordlys", "Certifikat til FK Organisation er endnu ikke udstedt."),
    ("int", "story", "Eksport til kommunens BI-løsning som CSV", 3, "r", "integration,eksport", None, ""),
    ("int", "task", "Opsæt testmiljø mod FK Organisations eksterne testmiljø", 2, "d", "integration,drift", "dev2_nordlys", ""),
    ("int", "story", "Log over importkørsler med fejl og advarsler", 3, "b", "integration,drift", None, ""),
    ("int", "story", "Webhook når et system skifter ejer", 5, "b", "integration", None, ""),
    ("ux", "story", "Tastaturbetjening af alle lister og formularer", 5, "d", "tilgængelighed", "dev2_nordlys", ""),
    ("ux", "story", "Kontrastkrav i farvepaletten (WCAG 2.1 AA)", 2, "d", "tilgængelighed", "dev_nordlys", ""),
    ("ux", "bug", "Skærmlæser læser ikke fejlbeskeder i formularer op", 2, "a", "tilgængelighed,fejlrettelse", "dev_nordlys", ""),
    ("ux", "story", "Tilgængelighedserklæring på was.digst.dk", 1, "r", "tilgængelighed", None, ""),
    ("ux", "story", "Engelsk brugerflade for udenlandske medarbejdere", 5, "b", "sprog", None, ""),
    ("ux", "task", "Brugertest med fem sagsbehandlere fra Roskilde", 3, "r", "brugertest", None, ""),
    ("ux", "story", "Forside med mine systemer og kommende frister", 5, "b", "overblik", None, ""),
    (None, "task", "Opgrader til PostgreSQL 16 i driftsmiljøet", 2, "d", "drift", "dev2_nordlys", ""),
    (None, "bug", "Session udløber midt i lange formularer", 2, "p", "fejlrettelse", "dev2_nordlys", ""),
    (None, "task", "Penetrationstest før udrulning til alle kommuner", 5, "r", "sikkerhed", None, ""),
    (None, "story", "Log-ud efter 30 minutters inaktivitet", 1, "b", "sikkerhed", None, ""),
    (None, "task", "Driftsvejledning til kommunernes it-afdelinger", 3, "b", "drift,dokumentation", None, ""),
    (None, "bug", "PDF-eksport mangler sidetal", 1, "b", "eksport,fejlrettelse", None, ""),
    (None, "story", "Notifikationer samlet i en ugentlig e-mail", 3, "b", "varsling", None, ""),
    (None, "task", "Opdatér databehandleraftalen med Nordlys for hostingen", 1, "v", "gdpr", "lead_nordlys", ""),
    (None, "story", "Rollebaseret adgang pr. forvaltning", 8, "b", "sikkerhed", None, ""),
]

BOOK_EPICS = [
    ("tid", "Tidsbestilling", "Borgere booker, flytter og aflyser tider hos borgerservice, "
     "jobcenter og genbrugsstationer."),
    ("adm", "Administration for medarbejdere", "Medarbejdere styrer kalendere, ressourcer og "
     "åbningstider."),
    ("kom", "Påmindelser og kommunikation", "SMS og Digital Post om tider, flytninger og aflysninger."),
]

BOOK_ITEMS = [
    ("tid", "story", "Book tid til pas og kørekort med MitID", 8, "d", "borger,mitid", "dev_nordlys", ""),
    ("tid", "story", "Flyt eller aflys en booket tid via link i kvitteringen", 5, "d", "borger", "dev2_nordlys", ""),
    ("tid", "story", "Vælg genbrugsstation og tidsrum for trailerkørsel", 5, "a", "borger,genbrug", "dev_nordlys", ""),
    ("tid", "bug", "Ledige tider vises i UTC i stedet for dansk tid", 2, "d", "fejlrettelse", "dev2_nordlys", ""),
    ("tid", "story", "Book samtale i jobcentret uden MitID med engangskode", 5, "p", "borger,jobcenter", "dev_nordlys", ""),
    ("tid", "story", "Venteliste når alle tider er optaget", 5, "r", "borger", None, ""),
    ("tid", "story", "Tidsbestilling for en anden (værge eller pårørende)", 8, "b", "borger,fuldmagt", None, ""),
    ("tid", "story", "Vis forventet ventetid i borgerservice", 3, "b", "borger", None, ""),
    ("adm", "story", "Opret kalendere pr. skranke og medarbejder", 5, "d", "medarbejder", "dev2_nordlys", ""),
    ("adm", "story", "Luk tider ved sygdom og send besked til de berørte borgere", 5, "v", "medarbejder,kommunikation", "dev_nordlys", ""),
    ("adm", "story", "Særlige åbningstider på helligdage", 2, "r", "medarbejder", None, ""),
    ("adm", "story", "Statistik over udeblivelser pr. ydelse", 3, "b", "medarbejder,rapport", None, ""),
    ("adm", "bug", "Dobbeltbooking mulig ved samtidig bestilling", 3, "p", "fejlrettelse,samtidighed", "dev2_nordlys", "Kræver ændring i databasens låsning; aftales med drift."),
    ("adm", "task", "Import af åbningstider fra Odenses nuværende system", 2, "r", "medarbejder,import", None, ""),
    ("kom", "story", "SMS-påmindelse dagen før en tid", 3, "d", "kommunikation,sms", "dev_nordlys", ""),
    ("kom", "story", "Kvittering i Digital Post", 5, "a", "kommunikation,digital-post", "dev2_nordlys", ""),
    ("kom", "story", "Borgeren vælger selv SMS eller e-mail", 2, "b", "kommunikation", None, ""),
    ("kom", "bug", "Æ, ø og å bliver til spørgsmålstegn i SMS", 1, "v", "kommunikation,fejlrettelse", "dev_nordlys", ""),
    (None, "task", "Tilgængelighedstest af bookingflowet", 3, "r", "tilgængelighed", None, ""),
    (None, "task", "Driftsovervågning og alarmer for SMS-gatewayen", 2, "b", "drift", None, ""),
    (None, "story", "Engelsk version af bookingsiderne", 3, "b", "sprog", None, ""),
    (None, "task", "Risikovurdering af behandlingen af CPR-numre", 2, "p", "gdpr", "dev_nordlys", ""),
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
    ("po_odense", "Odense ønsker, at borgeren kan se adressen på genbrugsstationen i kvitteringen."),
    ("dev_nordlys", "Det kommer med i næste version; vi henter adressen fra ressourcen."),
    ("po_aarhus", "Vi har set flere udeblivelser om mandagen. Kan påmindelsen sendes to dage før?"),
    ("dev2_nordlys", "Fejlen skyldes tegnsættet hos SMS-udbyderen; vi skifter til UCS-2."),
]

PERSONAS = {"OVB": ("po_ballerup", "po_aarhus"), "BOOK": ("po_aarhus", "po_odense")}


def _criteria(title: str) -> str:
    return ("- Funktionen virker i de gængse browsere og med tastatur alene\n"
            f"- \"{title}\" er beskrevet i brugervejledningen\n"
            "- Produktejeren har godkendt løsningen i testmiljøet")


def _seed_project(project, users, epics_spec, items_spec, comments, start_days_ago: int) -> int:
    now = utcnow()
    start = now - timedelta(days=start_days_ago)
    po_handles = PERSONAS[project.key]
    epics = {}
    for n, (code, title, description) in enumerate(epics_spec):
        epics[code] = create_item(project, users[po_handles[0]], title, "epic",
                                  description=description, at=start + timedelta(hours=n))
    count = len(epics)
    # The ranking puts work under way first, then what is ready, the rest, and done last.
    priority = "avprbd"
    items_spec = sorted(items_spec, key=lambda spec: priority.index(spec[4]))
    for n, (epic, kind, title, points, code, labels, assignee, blocked) in enumerate(items_spec):
        status = ST[code]
        author = users[po_handles[n % 2]]
        created = start + timedelta(days=1 + n * start_days_ago / (len(items_spec) * 2.2))
        item = create_item(
            project, author, title, kind, estimate=points,
            description=(f"{title}.\n\nBehovet er rejst af kommunerne i fællesskabet og "
                         "drøftet i koordinationsgruppen. Løsningen skal virke for både store "
                         "og små kommuner."),
            acceptance_criteria=_criteria(title) if status != Status.BACKLOG else "",
            parent_id=epics[epic].id if epic else None, labels=labels,
            assignee_id=users[assignee].id if assignee else None, at=created)
        _walk(item, status, users, po_handles, created, now)
        if blocked:
            update_item(item, users[assignee or "lead_nordlys"],
                        {"is_blocked": True, "blocked_reason": blocked},
                        at=now - timedelta(days=1))
        count += 1
    for epic in epics.values():  # epics are containers: below the work itself
        rank_item(epic, users[po_handles[0]], "bottom", at=start + timedelta(days=1))
    _comment(project, users, comments, now)
    return count


def _walk(item, target, users, po_handles, created, now) -> None:
    """Move an item along the workflow to `target`, a few days per step, never past today."""
    steps = FLOW[1:FLOW.index(target) + 1]
    if not steps:
        return
    gap = (now - created) / (len(steps) + 1)
    at = created
    for step in steps:
        at = at + gap
        if step == Status.DONE:
            actor = users[po_handles[0]]
        elif step == Status.READY:
            actor = users[po_handles[1]]
        else:
            actor = users["dev_nordlys"]
        move_item(item, actor, step, at=at)


def _comment(project, users, comments, now) -> None:
    from sqlalchemy import select

    from app.backlog.models import Item
    from app.extensions import db

    items = db.session.scalars(select(Item).where(Item.project_id == project.id,
                                                  Item.type != "epic").order_by(Item.number))
    items = list(items)
    for n, (handle, body) in enumerate(comments * 3):
        item = items[(n * 7) % len(items)]
        at = max(item.created_at, now - timedelta(days=30 - n)) + timedelta(hours=2)
        add_comment(item, users[handle], body, at=min(at, now))


def seed_backlog(ctx: dict) -> dict:
    """Backlogs for OVB and BOOK, with history, comments and WIP limits."""
    users, projects = ctx["users"], ctx["projects"]
    ovb = _seed_project(projects["OVB"], users, OVB_EPICS, OVB_ITEMS, COMMENTS, 70)
    book = _seed_project(projects["BOOK"], users, BOOK_EPICS, BOOK_ITEMS, BOOK_COMMENTS, 45)
    set_wip_limits(projects["OVB"], {"in_progress": "5", "review": "3", "acceptance": "4"})
    set_wip_limits(projects["BOOK"], {"in_progress": "3", "review": "2"})
    return {"backlog items": ovb + book}
