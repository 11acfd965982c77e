"""Demo needs: OVB's needs in every status, with co-sponsors, discovery logs and escalations,
and a few needs in BOOK; then the links between needs and the backlog items that serve them.
Dates are spread over the past months so that the lists, the history and the public roadmap
look lived in. Everything goes through the discovery services, dated with their `at`."""
from datetime import datetime, timedelta

from sqlalchemy import select

from app.backlog.models import Item
from app.discovery import services, tracing
from app.discovery.models import Need
from app.discovery.models import NeedStatus as S
from app.extensions import db

PATHS = {
    S.SUBMITTED: [],
    S.IN_DISCOVERY: [S.IN_DISCOVERY],
    S.READY: [S.IN_DISCOVERY, S.READY],
    S.PLANNED: [S.IN_DISCOVERY, S.READY, S.PLANNED],
    S.DELIVERED: [S.IN_DISCOVERY, S.READY, S.PLANNED, S.DELIVERED],
    S.DECLINED: [S.IN_DISCOVERY, S.DECLINED],
    S.PARKED: [S.IN_DISCOVERY, S.PARKED],
}

# Each need: who submits it, when (days ago), where it ends up and when (days ago), its texts,
# co-sponsors (user, days ago, note, co-funds, tests), discovery log (kind, days ago, author,
# text) and optionally an escalation (user, days ago, reason).
OVB_NEEDS = [
    dict(
        by="fag_roskilde", created=240, status=S.DELIVERED, settled=130,
        title="Samlet overblik over databehandleraftaler pr. system",
        background=(
            "Databehandleraftalerne ligger i dag spredt i ESDH, på fællesdrev og i mailbokse. "
            "Når Datatilsynet eller revisionen spørger, bruger DPO'en og systemejerne flere dage "
            "på at finde ud af, hvilke systemer der har en gyldig aftale.\n\n"
            "Berørt: databeskyttelsesrådgiveren, systemejerne og den juridiske afdeling."),
        desired_outcome=(
            "For hvert system kan man se, om der er en databehandleraftale, hvem databehandleren "
            "er, hvornår aftalen er indgået, og hvor den ligger (link til ESDH)."),
        expected_value=(
            "- Hurtigere svar til Datatilsynet og revisionen\n"
            "- Færre systemer uden aftale\n"
            "- Anslået 40 timer sparet pr. kommune om året"),
        assumptions="Aftalerne selv bliver i ESDH; Overblik gemmer kun metadata og et link.",
        risks="Data bliver hurtigt forældede, hvis ingen har ansvaret for at vedligeholde dem.",
        cosponsors=[("po_aarhus", 225, "Aarhus har samme problem i alle magistratsafdelinger.",
                     True, False),
                    ("fag_soro", 220, "", False, True),
                    ("fag_bronderslev", 210, "Vil gerne teste med vores DPO.", False, True)],
        notes=[("workshop", 200, "po_ballerup",
                "**Workshop med DPO'er fra fire kommuner**\n\n"
                "- Status på aftalen skal kunne være *gyldig*, *under genforhandling* og "
                "*mangler*\n"
                "- Link til ESDH frem for upload af dokumenter"),
               ("question", 190, "dev_nordlys",
                "Skal vi kunne registrere flere databehandleraftaler på samme system?"),
               ("answer", 188, "fag_roskilde",
                "Ja – fx når hosting og support leveres af to forskellige leverandører.")],
    ),
    dict(
        by="po_ballerup", created=210, status=S.DELIVERED, settled=40,
        title="Påmindelse før kontrakter udløber eller skal genforhandles",
        background=(
            "Kontrakter forlænges stiltiende eller udløber, uden at nogen har taget stilling. "
            "Opsigelsesvarsler på 6–12 måneder bliver overset, og kommunen mister muligheden "
            "for at genudbyde."),
        desired_outcome=(
            "Kontraktansvarlig og systemejer får en e-mail, når opsigelsesfristen nærmer sig "
            "(fx 9, 6 og 3 måneder før), og kontrakterne kan ses på en tidslinje."),
        expected_value=("Undgå utilsigtede forlængelser; bedre forhandlingsposition over for "
                        "leverandører."),
        out_of_scope="Selve kontraktstyringen og fakturakontrol.",
        cosponsors=[("po_aarhus", 200, "", True, False),
                    ("fag_roskilde", 195, "Vi har mistet et udbudsvindue i år.", False, True),
                    ("fag_soro", 190, "", False, False),
                    ("fag_bronderslev", 185, "", True, False)],
        notes=[("workshop", 170, "po_ballerup",
                "Indkøb ønsker, at fristerne kan indstilles pr. kontrakt. Standard: 9/6/3 "
                "måneder."),
               ("note", 120, "lead_nordlys",
                "Leveret i sprint 7; accepteret af Ballerup og Aarhus.")],
    ),
    dict(
        by="po_aarhus", created=300, status=S.DELIVERED, settled=200,
        title="Besked når en databehandler skifter underdatabehandler",
        background=(
            "Leverandørerne varsler skift af underdatabehandlere pr. mail til forskellige "
            "modtagere. Varslerne når sjældent frem til systemejeren i tide til at gøre "
            "indsigelse."),
        desired_outcome="Et varsel kan registreres på systemet og sendes til systemejer og DPO.",
        expected_value=("Kommunen overholder sine pligter efter databeskyttelsesforordningen art."
                        " 28."),
        cosponsors=[("fag_roskilde", 280, "", False, False),
                    ("po_ballerup", 270, "", False, True)],
        notes=[("note", 260, "dev_nordlys",
                "Genbruger notifikationsmotoren fra kontraktpåmindelser.")],
    ),
    dict(
        by="po_aarhus", created=150, status=S.PLANNED, settled=20,
        title="Import af systemer og kontrakter fra Kitos",
        background=(
            "Mange kommuner vedligeholder allerede deres IT-systemer og kontrakter i OS2Kitos. "
            "At taste det samme ind i Overblik er dobbeltarbejde, og de to registreringer "
            "glider fra hinanden."),
        desired_outcome=(
            "Overblik henter systemer, kontrakter og databehandlere fra Kitos' API hver nat. "
            "Felter, der kommer fra Kitos, er skrivebeskyttede i Overblik."),
        expected_value="Én kilde til sandheden; ingen dobbelttastning.",
        assumptions="Kitos' API giver læseadgang pr. kommune med en systembruger.",
        risks="Kitos' datamodel ændrer sig; integrationen skal følge med.",
        out_of_scope="Skrivning tilbage til Kitos.",
        cosponsors=[("po_ballerup", 140, "Afgørende for Ballerup – vi bruger Kitos i dag.",
                     True, True),
                    ("fag_roskilde", 138, "", True, False),
                    ("fag_soro", 130, "", False, False),
                    ("fag_bronderslev", 125, "", False, True)],
        notes=[("workshop", 110, "lead_nordlys",
                "Afklaring med OS2's Kitos-koordinator: API'et understøtter udtræk pr. "
                "organisation. Systembrugere oprettes af den lokale administrator."),
               ("question", 100, "dev_nordlys",
                "Hvad skal der ske med systemer, der slettes i Kitos?"),
               ("answer", 96, "po_aarhus",
                "De markeres som *udgået* i Overblik, men historikken bevares.")],
    ),
    dict(
        by="fag_soro", created=120, status=S.PLANNED, settled=12,
        title="Systemejere og systemansvarlige med stedfortrædere",
        background=(
            "Systemejerskabet er uklart i mange forvaltninger. Når en systemejer stopper, "
            "ved ingen, hvem der har ansvaret – og henvendelser fra leverandøren går tabt."),
        desired_outcome=(
            "Hvert system har en forretningsmæssig systemejer, en teknisk systemansvarlig og "
            "en stedfortræder for hver. Overblik viser systemer, hvor en af rollerne mangler."),
        expected_value="Klart ansvar; hurtigere håndtering af sikkerhedshændelser.",
        cosponsors=[("po_aarhus", 110, "", False, False),
                    ("fag_bronderslev", 100, "Vi mangler systemejere på 30 % af systemerne.",
                     False, True)],
        notes=[("workshop", 60, "po_ballerup",
                "Rollebetegnelserne følger KL's vejledning om systemejerskab.")],
    ),
    dict(
        by="po_aarhus", created=100, status=S.READY, settled=25,
        title="Økonomioverblik: licens- og driftsudgifter pr. system og forvaltning",
        background=(
            "Økonomiafdelingen kan ikke svare på, hvad et system koster om året, fordi "
            "licenser, drift og support bogføres på forskellige konti."),
        desired_outcome=(
            "Årlige udgifter kan registreres pr. system og fordeles på forvaltninger. "
            "Overblik viser de samlede udgifter og udviklingen over tre år."),
        expected_value="Grundlag for budgetlægning og for at udfase dyre, lidt brugte systemer.",
        risks="Udgiftsdata er følsomme i forhandlinger; adgangen skal kunne begrænses.",
        cosponsors=[("po_ballerup", 95, "", True, False),
                    ("fag_roskilde", 90, "Kun hvis adgangen kan begrænses til økonomi.",
                     False, False)],
        notes=[("workshop", 70, "lead_nordlys",
                "Estimat efter afklaring: ca. 60 point. Større end et normalt sprint."),
               ("question", 45, "fag_roskilde",
                "Skal udgifterne kunne ses af alle i kommunen, eller kun af økonomi og IT?")],
        escalate=("po_ballerup", 20,
                  "Behovet kræver ca. to sprints. Styregruppen bedes beslutte, om det skal "
                  "prioriteres før kvartalsrapporten (#10), og om Aarhus' tilbud om "
                  "medfinansiering tages imod."),
    ),
    dict(
        by="po_ballerup", created=90, status=S.READY, settled=30,
        title="Kvartalsrapport til styregruppen",
        background=(
            "Sekretariatet samler hvert kvartal tal fra alle kommuner i et regneark til "
            "styregruppen. Det tager to dage og er fejlbehæftet."),
        desired_outcome=(
            "En rapport, der kan hentes som PDF og regneark: antal systemer, kontrakter der "
            "udløber, manglende databehandleraftaler og systemer uden ejer – pr. kommune."),
        expected_value=("Styregruppen får et ensartet beslutningsgrundlag; sekretariatet sparer "
                        "tid."),
        cosponsors=[("fag_soro", 80, "", False, False)],
        notes=[("note", 40, "po_ballerup",
                "Skitse til rapporten er godkendt på koordinationsmødet.")],
    ),
    dict(
        by="fag_bronderslev", created=75, status=S.IN_DISCOVERY, settled=50,
        title="Risikovurdering af systemer i forhold til informationssikkerhed",
        background=(
            "ISO 27001-arbejdet kræver en risikovurdering af de vigtigste systemer. I dag "
            "ligger vurderingerne i Word-dokumenter, som ingen kan finde."),
        desired_outcome=("Systemer kan klassificeres (fortrolighed, integritet, tilgængelighed) "
                         "og få en risikovurdering med dato og ansvarlig."),
        expected_value="Bedre styr på informationssikkerheden og lettere revision.",
        assumptions="Klassifikationen følger kommunens sikkerhedspolitik.",
        cosponsors=[("po_aarhus", 70, "", False, True),
                    ("fag_roskilde", 65, "", False, False),
                    ("po_ballerup", 60, "", False, False)],
        notes=[("workshop", 45, "lead_nordlys",
                "Første workshop: kommunerne bruger forskellige skalaer (1–3, 1–5). Der er brug "
                "for en fælles skala, før vi kan designe."),
               ("question", 40, "dev_nordlys", "Kan vi bruge skalaen fra KL's ISMS-skabelon?")],
        escalate=("po_ballerup", 35,
                  "Styregruppen bedes beslutte, om Overblik skal rumme risikovurderinger, eller om "
                  "det hører hjemme i kommunernes ISMS-værktøjer."),
    ),
    dict(
        by="fag_roskilde", created=70, status=S.IN_DISCOVERY, settled=55,
        title="Plan for tilsyn med databehandlere",
        background=(
            "Kommunerne skal føre tilsyn med deres databehandlere, men der er ikke overblik over, "
            "hvornår der sidst er ført tilsyn, og hvilke erklæringer (ISAE 3000) der er modtaget."),
        desired_outcome=("En tilsynsplan pr. databehandler med frister, og registrering af "
                         "modtagne revisionserklæringer."),
        expected_value="Dokumentation over for Datatilsynet; færre glemte tilsyn.",
        cosponsors=[("fag_soro", 60, "", False, False)],
        notes=[("note", 50, "fag_roskilde",
                "Se KL's skabelon for tilsynsplan – vedhæftet i ESDH.")],
    ),
    dict(
        by="fag_soro", created=60, status=S.IN_DISCOVERY, settled=30,
        title="Arkivering og bevaringsvurdering af systemer",
        background=("Stadsarkivet mangler viden om, hvilke systemer der indeholder "
                    "bevaringsværdige data."),
        desired_outcome=("Systemer kan markeres med arkivstatus, arkivperiode og dato for seneste"
                         " aflevering."),
        expected_value="Kommunen overholder arkivloven; lettere dialog med Rigsarkivet.",
        cosponsors=[], notes=[],
    ),
    dict(
        by="po_aarhus", created=30, status=S.SUBMITTED,
        title="Overblik over integrationer mellem systemer",
        background=(
            "Når et system udskiftes, opdager vi for sent, hvilke andre systemer der henter "
            "data fra det. Snitfladerne er kun kendt af enkelte medarbejdere."),
        desired_outcome=("Integrationer kan registreres (fra, til, data, teknologi, ansvarlig) og"
                         " vises som et kort."),
        expected_value="Færre overraskelser ved systemudskiftninger.",
        cosponsors=[("fag_bronderslev", 25, "", False, False),
                    ("po_ballerup", 20, "Kitos har en lignende model – kan vi genbruge den?",
                     False, False)],
        notes=[],
    ),
    dict(
        by="fag_bronderslev", created=25, status=S.SUBMITTED,
        title="Systemer klassificeret efter KLE og FORM",
        background=("Systemerne kan ikke sammenlignes på tværs af kommuner, fordi hver kommune "
                    "bruger sine egne kategorier."),
        desired_outcome=("Systemer kan knyttes til KLE-emner og FORM, så fælles rapporter giver "
                         "mening."),
        expected_value="Sammenligning på tværs af kommuner; genbrug af fælles sprog.",
        cosponsors=[], notes=[],
    ),
    dict(
        by="po_ballerup", created=14, status=S.SUBMITTED,
        title="Eksport af systemlisten til regneark med valgfrie kolonner",
        background="Brugerne kopierer i dag systemlisten ind i Excel manuelt for at lave analyser.",
        desired_outcome=("Listen kan eksporteres som regneark (XLSX og CSV) med de kolonner, "
                         "brugeren vælger."),
        expected_value="Mindre manuelt arbejde; færre kopifejl.",
        cosponsors=[("fag_roskilde", 10, "", False, False)], notes=[],
    ),
    dict(
        by="fag_soro", created=110, status=S.PARKED, settled=80,
        title="Log ind med kommunens egen brugerkonto (single sign-on)",
        background="Brugerne skal huske endnu en adgangskode.",
        desired_outcome="Log ind via kommunens AD/Entra ID.",
        expected_value="Færre glemte adgangskoder og bedre sikkerhed.",
        cosponsors=[("po_aarhus", 100, "", False, False)],
        notes=[("note", 85, "lead_nordlys",
                "Afhænger af den fælleskommunale brugerstyring (KOMBIT Context Handler).")],
        rationale=("Parkeret, indtil den fælleskommunale løsning for brugerstyring er på plads. "
                   "Tages op igen på koordinationsmødet i foråret."),
        public=True,
    ),
    dict(
        by="po_aarhus", created=95, status=S.PARKED, settled=70,
        title="Mobilvenlig visning af systemkort",
        background="Systemejere vil kunne slå et system op fra telefonen under møder.",
        desired_outcome="Systemkortet kan læses på en telefon.",
        expected_value="Hurtigere svar i møder.",
        cosponsors=[], notes=[],
        rationale=("Lav værdi i forhold til andre behov lige nu. Vi ser på det igen efter Kitos-"
                   "integrationen."),
    ),
    dict(
        by="fag_roskilde", created=130, status=S.DECLINED, settled=100,
        title="Automatisk opdatering af leverandørdata fra CVR-registeret",
        background="Leverandørernes adresser og navne er forældede.",
        desired_outcome="Leverandøroplysninger hentes fra CVR.",
        expected_value="Korrekte leverandørdata uden manuelt arbejde.",
        cosponsors=[],
        notes=[("note", 110, "dev_nordlys", "Kitos henter allerede leverandørdata fra CVR.")],
        rationale=("Afvist, fordi leverandørdata kommer med integrationen til Kitos (behov #4), "
                   "som allerede henter dem fra CVR."),
        public=True,
    ),
    dict(
        by="fag_bronderslev", created=85, status=S.DECLINED, settled=60,
        title="Budgetmodul til hele IT-budgettet",
        background="IT-budgettet lægges i regneark uden for økonomisystemet.",
        desired_outcome="Hele IT-budgettet kan lægges og følges i Overblik.",
        expected_value="Samlet styring af IT-økonomien.",
        cosponsors=[], notes=[],
        rationale=("Uden for produktets formål: budgetlægning sker i kommunernes økonomisystemer."
                   " Økonomioverblikket pr. system (#8) dækker det, kommunerne har brug for."),
    ),
    dict(
        by="fag_roskilde", created=45, status=S.PLANNED, settled=5,
        title="Liste over systemer uden udpeget systemejer",
        background="Det kræver i dag en manuel gennemgang at finde systemer uden ejer.",
        desired_outcome="En filtreret liste og et tal på forsiden: systemer uden systemejer.",
        expected_value="Sekretariatet kan følge op hver måned.",
        cosponsors=[("fag_soro", 40, "", False, False), ("po_ballerup", 38, "", False, False)],
        notes=[],
    ),
]

BOOK_NEEDS = [
    dict(
        by="po_odense", created=60, status=S.IN_DISCOVERY, settled=30,
        title="SMS-påmindelse dagen før en booket tid",
        background="Mange borgere udebliver fra aftaler i borgerservice og jobcenter.",
        desired_outcome="Borgeren får en SMS dagen før med tid, sted og link til at aflyse.",
        expected_value="Færre udeblivelser; ledige tider kan gives til andre.",
        cosponsors=[("po_aarhus", 55, "", True, True)],
        notes=[("question", 40, "dev_nordlys", "Skal vi bruge kommunernes egen SMS-gateway?")],
    ),
    dict(
        by="po_aarhus", created=90, status=S.PLANNED, settled=15,
        title="Tidsbestilling til genbrugsstationer med trailer",
        background="Køerne ved genbrugsstationerne er lange i weekenden.",
        desired_outcome="Borgere med trailer kan booke et tidsrum.",
        expected_value="Kortere kø og jævnere belastning.",
        cosponsors=[("po_odense", 80, "", False, True)], notes=[],
    ),
    dict(
        by="po_odense", created=10, status=S.SUBMITTED,
        title="Behov for tolk kan angives ved booking",
        background="Medarbejderne opdager først ved mødet, at borgeren har brug for tolk.",
        desired_outcome="Borgeren kan angive sprog og behov for tolk, når tiden bookes.",
        expected_value="Færre aflyste møder.",
        cosponsors=[], notes=[],
    ),
]


def _days_ago(now: datetime, days: float) -> datetime:
    return now - timedelta(days=days)


def _events(spec: dict, created: datetime, now: datetime) -> list:
    """What happens to the need after its submission: (moment, kind, payload), in time order."""
    events = []
    for handle, days, note, cofund, test in spec.get("cosponsors", []):
        events.append((_days_ago(now, days), "cosponsor", (handle, note, cofund, test)))
    for kind, days, handle, body in spec.get("notes", []):
        events.append((_days_ago(now, days), "note", (kind, handle, body)))
    path = PATHS[spec["status"]]
    if path:
        step = (_days_ago(now, spec["settled"]) - created) / len(path)
        for i, status in enumerate(path, start=1):
            events.append((created + step * i, "status", status))
    if spec.get("escalate"):
        handle, days, reason = spec["escalate"]
        events.append((_days_ago(now, days), "escalate", (handle, reason)))
    return sorted(events, key=lambda event: event[0])


def seed_needs(project, users: dict, specs: list[dict], now: datetime) -> dict:
    """Create the needs of `specs` in `project`, walking each through its lifecycle."""
    counts = {"needs": 0, "co-sponsorships": 0, "discovery notes": 0}
    decider = users["po_ballerup"] if project.key == "OVB" else users["po_aarhus"]
    # Numbers follow submission order, as they would have in real life.
    for spec in sorted(specs, key=lambda s: -s["created"]):
        created = _days_ago(now, spec["created"])
        need = services.create_need(project, users[spec["by"]], at=created, **{
            k: spec.get(k, "") for k in ("title", "background", "desired_outcome",
                                          "expected_value", "assumptions", "risks",
                                          "out_of_scope")})
        for moment, kind, payload in _events(spec, created, now):
            if kind == "cosponsor":
                handle, note, cofund, test = payload
                services.cosponsor(need, users[handle], note, cofund, test, at=moment)
                counts["co-sponsorships"] += 1
            elif kind == "note":
                note_kind, handle, body = payload
                services.add_note(need, users[handle], note_kind, body,
                                  occurred_on=moment.date(), at=moment)
                counts["discovery notes"] += 1
            elif kind == "status":
                final = payload == spec["status"]
                services.set_status(need, payload, actor=decider,
                                    rationale=spec.get("rationale") if final else None,
                                    rationale_public=spec.get("public", False), at=moment)
            elif kind == "escalate":
                handle, reason = payload
                services.escalate(need, users[handle], reason, at=moment)
        counts["needs"] += 1
    db.session.flush()
    return counts


def seed_discovery(ctx: dict) -> dict:
    """The demo needs of OVB and BOOK."""
    projects, users, now = ctx["projects"], ctx["users"], ctx["now"]
    counts = seed_needs(projects["OVB"], users, OVB_NEEDS, now)
    for key, value in seed_needs(projects["BOOK"], users, BOOK_NEEDS, now).items():
        counts[key] += value
    return counts


# Which backlog items serve which needs, by title: delivered needs only have done (accepted)
# items, planned needs have work under way. One planned need gets an item created from it.
LINKS = {
    "OVB": {
        "Samlet overblik over databehandleraftaler pr. system": [
            "Registrér databehandlere og underdatabehandlere",
            "Tilknyt databehandleraftale til system og kontrakt"],
        "Påmindelse før kontrakter udløber eller skal genforhandles": [
            "Registrér en kontrakt med løbetid og optioner",
            "Varsel til kontraktejeren 6 måneder før opsigelsesfrist"],
        "Besked når en databehandler skifter underdatabehandler": [
            "Registrér databehandlere og underdatabehandlere"],
        "Import af systemer og kontrakter fra Kitos": [
            "Importér systemer fra KITOS via API",
            "Log over importkørsler med fejl og advarsler"],
        "Systemejere og systemansvarlige med stedfortrædere": [
            "Opret et system med ejer, leverandør og fagområde",
            "Registrér hvilke afdelinger der bruger et system"],
    },
    "BOOK": {
        "Tidsbestilling til genbrugsstationer med trailer": [
            "Vælg genbrugsstation og tidsrum for trailerkørsel"],
    },
}
NEW_ITEMS = {"OVB": {"Liste over systemer uden udpeget systemejer": "dev_nordlys"}}


def seed_tracing(ctx: dict) -> dict:
    """Link demo needs to the demo backlog items that serve them (after both are seeded)."""
    projects, users = ctx["projects"], ctx["users"]
    count = 0
    for key, links in LINKS.items():
        project = projects[key]
        decider = users["po_ballerup"] if key == "OVB" else users["po_aarhus"]
        needs = {n.title: n for n in db.session.scalars(
            select(Need).where(Need.project_id == project.id))}
        items = {i.title: i for i in db.session.scalars(
            select(Item).where(Item.project_id == project.id))}
        for need_title, item_titles in links.items():
            need = needs[need_title]
            # Linked the day before the need's last step: part of its past, not news.
            count += len(tracing.link_items(need, [items[t] for t in item_titles], decider,
                                            at=need.status_changed_at - timedelta(days=1)))
        for need_title, handle in NEW_ITEMS.get(key, {}).items():
            need = needs[need_title]
            tracing.create_item_for_need(
                need, users[handle], need.title,
                description=f"{need.desired_outcome}\n\nUnderstøtter behov #{need.number}.")
            count += 1
    db.session.flush()
    return {"need–item links": count}
