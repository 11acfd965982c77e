"""Demo sprints in Danish for Overblik and Borgerbooking: closed sprints whose items' history
gives realistic burndowns and a velocity, the active sprint half-way, and a planned one.

Runs after the backlog seed. The backlog seed spreads its done items over the last weeks
without sprints; this step gives each done item a history inside the sprint it was done in
(rewriting its status rows, as a team's real history would read), adds the earlier work
that made the first sprints, and writes the sprint rows of the items' history. One sprint
shows each kind of event the burndown knows: an item added mid-sprint, an estimate changed
mid-sprint, an item rejected in acceptance, a done item reopened, and unfinished work carried
into the next sprint.
"""
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.backlog.models import Item, ItemType, Status
from app.backlog.changes import bump_counter, record_change
from app.backlog.services import create_item, format_points
from app.clock import COPENHAGEN, local_today
from app.database import utcnow
from app.extensions import db
from app.sprints import reports
from app.sprints.models import Sprint, SprintState

# epic, type, title, points, labels, assignee: the earlier work of the first sprints.
OVB_EARLIER = [
    (None, "task", "Opsæt test- og produktionsmiljø hos driftsleverandøren", 5, "drift", "dev2_nordlys"),
    ("sys", "task", "Datamodel for systemer, ejere og leverandører", 8, "register,arkitektur", "dev_nordlys"),
    (None, "story", "Log ind med kommunens AD FS", 8, "sikkerhed,login", "dev_nordlys"),
    ("ux", "task", "Designsystem: knapper, formularer og tabeller", 8, "brugerflade,tilgængelighed", "dev2_nordlys"),
    (None, "task", "Automatiske tests og udrulning (CI/CD)", 5, "drift", "dev2_nordlys"),
    ("sys", "story", "Importér systemliste fra regneark ved opstart", 5, "register,import", "dev_nordlys"),
    (None, "story", "Roller: læser, redaktør og administrator", 5, "sikkerhed", "dev2_nordlys"),
    ("ux", "story", "Grundlayout med kommunens logo og navigation", 3, "brugerflade", "dev2_nordlys"),
    ("sys", "story", "Vis systemets kontaktpersoner og afdelinger", 3, "register", "dev_nordlys"),
    ("kon", "story", "Datamodel for kontrakter og optioner", 5, "kontrakt", "dev_nordlys"),
    ("kon", "story", "Vis kontrakter på systemets side", 3, "kontrakt", "dev2_nordlys"),
    ("kon", "bug", "Datoer for optioner gemmes en dag forkert", 2, "kontrakt,fejlrettelse", "dev2_nordlys"),
    ("kon", "story", "Kontraktliste med sortering på udløbsdato", 5, "kontrakt", "dev_nordlys"),
    ("int", "task", "Aftal snitflade med KITOS-sekretariatet", 2, "integration,kitos", "lead_nordlys"),
    ("ux", "story", "Søgning på tværs af systemer, kontrakter og leverandører", 8, "søgning", "dev2_nordlys"),
    ("dpa", "story", "Registrér behandlingsaktiviteter pr. system", 8, "gdpr", "dev_nordlys"),
    ("dpa", "story", "Upload databehandleraftale som PDF", 3, "gdpr", "dev2_nordlys"),
    ("ux", "bug", "Fokus forsvinder efter at have gemt en formular", 2, "tilgængelighed,fejlrettelse", "dev_nordlys"),
    ("oko", "story", "Registrér anskaffelsespris og afskrivning", 5, "økonomi", "dev_nordlys"),
    ("int", "story", "Eksportér systemlisten til regneark", 3, "eksport", "dev2_nordlys"),
    (None, "bug", "Eksport fejler ved mere end 1.000 rækker", 3, "eksport,fejlrettelse", "dev2_nordlys"),
    ("ux", "task", "Brugertest af systemregistret med tre kommuner", 3, "brugertest", "lead_nordlys"),
    ("sys", "story", "Systemets side med stamdata, kontrakter og databehandlere", 8, "register", "dev_nordlys"),
    ("kon", "story", "Registrér leverandører med CVR-nummer og kontaktperson", 5, "kontrakt", "dev2_nordlys"),
    (None, "task", "Sikkerhedskopiering og gendannelsestest", 3, "drift,sikkerhed", "dev2_nordlys"),
    ("int", "story", "Opslag af leverandør i CVR-registret", 5, "integration", "dev_nordlys"),
    ("dpa", "story", "Liste over systemer uden databehandleraftale", 5, "gdpr,rapport", "dev_nordlys"),
    ("ux", "story", "Udskriftsvenlig visning af systemets side", 3, "brugerflade", "dev2_nordlys"),
    (None, "story", "Revisionslog over hvem der har ændret hvad", 8, "sikkerhed,revision", "dev2_nordlys"),
    ("oko", "story", "Fordel licensudgifter på antal brugere", 5, "økonomi", "dev_nordlys"),
    ("kon", "story", "Vis optioner, der kan udnyttes inden for et år", 3, "kontrakt", "dev2_nordlys"),
    ("sys", "bug", "Dubletter ved import når systemnavnet har mellemrum til sidst", 2, "import,fejlrettelse", "dev_nordlys"),
]

BOOK_EARLIER = [
    (None, "task", "Opsæt driftsmiljø og overvågning", 3, "drift", "dev2_nordlys"),
    ("adm", "story", "Opret ydelser med varighed og forberedelsestid", 5, "medarbejder", "dev_nordlys"),
    ("tid", "story", "Kalender med ledige tider for den valgte ydelse", 5, "borger", "dev_nordlys"),
    ("adm", "story", "Medarbejderlogin med kommunens AD", 5, "medarbejder,sikkerhed", "dev2_nordlys"),
    ("kom", "task", "Aftale med SMS-udbyder og testkonto", 2, "kommunikation,sms", "dev_nordlys"),
    ("tid", "story", "Kvittering med tid og sted på skærmen og på e-mail", 3, "borger,kommunikation", "dev2_nordlys"),
    ("tid", "bug", "Kalenderen viser lørdage som åbne", 2, "fejlrettelse", "dev_nordlys"),
    ("adm", "story", "Dagsoversigt over bookede tider pr. skranke", 3, "medarbejder", "dev2_nordlys"),
    ("tid", "story", "Vælg sted, når ydelsen tilbydes flere steder", 5, "borger", "dev_nordlys"),
    ("adm", "story", "Åbningstider pr. sted og ugedag", 3, "medarbejder", "dev2_nordlys"),
    ("kom", "story", "E-mailkvittering med mulighed for at tilføje tiden til kalenderen", 3, "kommunikation", "dev_nordlys"),
    (None, "task", "Penetrationstest af bookingflowet", 5, "sikkerhed", "dev2_nordlys"),
]


@dataclass
class Plan:
    capacity: int
    lead: str
    pos: tuple[str, str]  # the product owner who accepts, and the one who readies items
    earlier: list
    closed: list  # (goal, went well, to improve, actions)
    active_goal: str
    planned_goal: str
    active_done: int = 2  # items done so far in the active sprint


PLANS = {
    "OVB": Plan(
        capacity=70, lead="lead_nordlys", active_done=4, pos=("po_ballerup", "po_aarhus"), earlier=OVB_EARLIER,
        closed=[
            ("Et første systemregister, som pilotkommunerne kan logge ind i og udfylde.",
             "- Pilotkommunerne var med til demo hver fredag\n- Driftsmiljøet kom op i første uge",
             "- Acceptkriterierne var uklare på to historier\n- Vi estimerede login for lavt",
             "- Produktejerne skriver acceptkriterier før sprintplanlægningen (Mette)\n"
             "- Vi deler store historier i højst 8 point (Camilla)"),
            ("Kontrakter og optioner kan registreres og knyttes til systemerne.",
             "- Kontraktmodulet blev godt modtaget i Aarhus og Roskilde\n"
             "- Hurtig afklaring med KITOS-sekretariatet",
             "- En afvist historie kostede tre dage: vi testede ikke med rigtige kontrakter\n"
             "- Vi tog en ekstra historie ind midt i sprintet",
             "- Testdata med rigtige kontrakter fra to kommuner (Jonas)\n"
             "- Nye ønsker midt i et sprint går via produktejeren (Camilla)"),
            ("Databehandlere og aftaler er registreret, så DPO'erne kan bruge overblikket.",
             "- DPO-netværket gav hurtig og konkret feedback\n- Ingen fejl fundet i accepttesten",
             "- En færdig historie blev genåbnet: vi havde overset Safari\n"
             "- For mange ting i gang samtidig sidst i sprintet",
             "- Test i Safari og Edge før en historie sendes til accept (Ahmed)\n"
             "- Højst fem ting i gang ad gangen (Camilla)"),
        ],
        active_goal="Økonomi pr. fagområde og import fra KITOS klar til demo på "
                    "styregruppemødet.",
        planned_goal="Årshjul og tjekliste til tilsyn med databehandlere."),
    "BOOK": Plan(
        capacity=35, lead="dev2_nordlys", pos=("po_aarhus", "po_odense"), earlier=BOOK_EARLIER,
        closed=[
            ("Borgeren kan se ledige tider og booke en tid hos borgerservice.",
             "- Odense og Aarhus blev enige om ét bookingflow\n- Kalenderen virker på mobil",
             "- SMS-aftalen tog længere tid end ventet",
             "- Afklar eksterne aftaler et sprint før, vi skal bruge dem (Sara)"),
            ("Påmindelser og flytning af tider, så færre borgere udebliver.",
             "", "", ""),
        ],
        active_goal="Genbrugsstationer og jobcentret kan tage imod bookinger.",
        planned_goal="Venteliste og særlige åbningstider til jul."),
}

SPRINT_DAYS = 12  # Monday to the Friday of the following week


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=COPENHAGEN)


@dataclass
class Window:
    start: date
    end: date
    working: list[date] = field(default_factory=list)

    @classmethod
    def from_start(cls, start: date) -> "Window":
        days = [start + timedelta(days=n) for n in range(SPRINT_DAYS)]
        return cls(start, days[-1], [d for d in days if d.weekday() < 5])

    def wd(self, n: int, hour: int, minute: int = 0) -> datetime:
        """The n-th working day of the sprint at a local time."""
        return local(self.working[min(n, len(self.working) - 1)], hour, minute)

    @property
    def started_at(self) -> datetime:
        return local(self.start, 9)

    @property
    def closed_at(self) -> datetime:
        return local(self.end, 15, 30)


class Writer:
    """Writes items' status, estimate and sprint history at chosen moments."""

    def __init__(self, project, users, plan: Plan, now: datetime):
        self.project, self.users, self.plan, self.now = project, users, plan, now
        self.po, self.po2 = users[plan.pos[0]], users[plan.pos[1]]
        self.lead = users[plan.lead]
        self.dev = users["dev_nordlys"]
        _, self.change = bump_counter(project.id)

    def at(self, moment: datetime) -> datetime:
        return min(moment, self.now - timedelta(minutes=5))

    def retime(self, item: Item, created: datetime) -> None:
        """Move the item's creation back to `created` and drop its status history."""
        for row in list(item.history):
            if row.field == "status":
                item.history.remove(row)
                db.session.delete(row)
            elif row.field != "sprint":
                row.created_at = created
        item.created_at = created
        record_change(item, "status", None, Status.BACKLOG, item.created_by, self.change,
                      created)
        item.status = Status.BACKLOG

    def flow(self, item: Item, steps) -> None:
        """Status changes (status, moment, actor, note) after the item's creation."""
        for status, moment, actor, note in steps:
            moment = self.at(moment)
            record_change(item, "status", item.status, status, actor, self.change, moment, note)
            if item.status == Status.ACCEPTANCE and status == Status.DONE:
                item.accepted_at, item.accepted_by = moment, actor
            elif note:
                item.rejected_at, item.rejected_by, item.rejected_reason = moment, actor, note
                item.accepted_at, item.accepted_by = None, None
            item.status = status
            item.updated_at = moment

    def ready(self, item: Item) -> tuple:
        return (Status.READY, item.created_at + timedelta(days=1), self.po2, "")

    def done_steps(self, window: Window, done: int, started: int | None = None) -> list:
        started = max(done - 3, 0) if started is None else started
        return [(Status.IN_PROGRESS, window.wd(started, 9, 30), self.dev, ""),
                (Status.REVIEW, window.wd(max(done - 1, started), 13), self.dev, ""),
                (Status.ACCEPTANCE, window.wd(done, 10), self.dev, ""),
                (Status.DONE, window.wd(done, 14), self.po, "")]

    def move(self, item: Item, sprint: Sprint | None, moment: datetime) -> None:
        record_change(item, "sprint", item.sprint_id, sprint.id if sprint else None, self.lead,
                      self.change, self.at(moment))
        item.sprint_id = sprint.id if sprint else None

    def estimate(self, item: Item, old: float, moment: datetime) -> None:
        """Make the item's estimate start at `old` and change to its current value then."""
        for row in list(item.history):
            if row.field == "estimate":
                item.history.remove(row)
                db.session.delete(row)
        record_change(item, "estimate", None, format_points(old), item.created_by, self.change,
                      item.created_at)
        record_change(item, "estimate", format_points(old), format_points(item.estimate),
                      self.lead, self.change, moment)


def seed_sprints(ctx: dict) -> dict:
    """Closed, active and planned sprints for OVB and BOOK."""
    now = utcnow()
    count = 0
    for key, plan in PLANS.items():
        count += _seed_project(ctx["projects"][key], ctx["users"], plan, now)
    db.session.flush()
    return {"sprints": count}


def _items(project, *statuses) -> list[Item]:
    return list(db.session.scalars(
        select(Item).where(Item.project_id == project.id, Item.type != ItemType.EPIC,
                           Item.status.in_(statuses)).order_by(Item.number)))


def _earlier_items(project, users, plan: Plan, created: datetime) -> list[Item]:
    epics = {e.title: e for e in db.session.scalars(
        select(Item).where(Item.project_id == project.id, Item.type == ItemType.EPIC))}
    from app.backlog import seed as backlog_seed

    codes = dict((code, title) for code, title, _ in
                 (backlog_seed.OVB_EPICS if project.key == "OVB" else backlog_seed.BOOK_EPICS))
    items = []
    for epic, kind, title, points, labels, assignee in plan.earlier:
        parent = epics.get(codes.get(epic)) if epic else None
        items.append(create_item(
            project, users[plan.pos[0]], title, kind, estimate=points, labels=labels,
            description=f"{title}.\n\nEn del af det første fundament for {project.name}.",
            acceptance_criteria="- Produktejeren har godkendt løsningen i testmiljøet",
            parent_id=parent.id if parent else None, assignee_id=users[assignee].id,
            at=created))
    return items


def _split(pool: list[Item], parts: int) -> list[list[Item]]:
    """Split the done items into sprints of slowly growing size (a team finding its pace)."""
    weights = [1 + 0.1 * n for n in range(parts)]
    total = sum(i.estimate or 0 for i in pool)
    chunks, current, acc = [[] for _ in range(parts)], 0, 0.0
    for item in pool:
        chunks[current].append(item)
        acc += item.estimate or 0
        if current < parts - 1 and acc >= total * sum(weights[:current + 1]) / sum(weights):
            current += 1
    return chunks


def _seed_project(project, users, plan: Plan, now: datetime) -> int:
    today = local_today(now)
    monday = today - timedelta(days=today.weekday())
    n_closed = len(plan.closed)
    windows = [Window.from_start(monday - timedelta(days=14 * (n_closed - k)))
               for k in range(n_closed)]
    active_w = Window.from_start(monday)
    planned_w = Window.from_start(monday + timedelta(days=14))
    w = Writer(project, users, plan, now)

    done = _items(project, Status.DONE)
    active_done, pool = done[-plan.active_done:], done[:-plan.active_done]
    earlier = _earlier_items(project, users, plan, local(windows[0].start - timedelta(days=10), 10))
    chunks = _split(earlier + pool, n_closed)
    in_flight = _items(project, Status.IN_PROGRESS, Status.REVIEW, Status.ACCEPTANCE)
    carried_last = next(i for i in in_flight if i.status == Status.IN_PROGRESS and not i.is_blocked)

    sprints = []
    for k, (window, notes) in enumerate(zip(windows, plan.closed)):
        sprints.append(_sprint(project, w, f"Sprint {k + 1}", notes[0], window,
                               SprintState.CLOSED, retro=notes[1:]))
    active = _sprint(project, w, f"Sprint {n_closed + 1}", plan.active_goal, active_w,
                     SprintState.ACTIVE)
    planned = _sprint(project, w, f"Sprint {n_closed + 2}", plan.planned_goal, planned_w,
                      SprintState.PLANNED)
    db.session.flush()

    for k, (sprint, window, chunk) in enumerate(zip(sprints, windows, chunks)):
        following = sprints[k + 1] if k + 1 < n_closed else active
        carried_out = chunks[k + 1][0] if k + 1 < n_closed else carried_last
        _closed_sprint(w, k, sprint, window, chunk, carried_out, following, n_closed)
    _active_sprint(project, w, active, active_w, in_flight, active_done, today)
    _planned_sprint(project, w, planned, plan.capacity)
    db.session.flush()
    for sprint in [*sprints, active]:
        sprint.committed_points = reports.burndown(sprint, now=now).committed
    for sprint in sprints:  # the plan they made: a round capacity just above the commitment
        sprint.capacity = 5 * math.ceil((sprint.committed_points + 1) / 5)
        sprint.completed_points = float(sum(i.estimate or 0 for i in db.session.scalars(
            select(Item).where(Item.sprint_id == sprint.id, Item.status == Status.DONE))))
    return len(sprints) + 2


def _sprint(project, w: Writer, name, goal, window: Window, state, retro=None) -> Sprint:
    sprint = Sprint(project_id=project.id, name=name, goal=goal, start_date=window.start,
                    end_date=window.end, capacity=w.plan.capacity, state=state,
                    created_by=w.lead, created_at=w.at(local(window.start - timedelta(days=4), 14)))
    sprint.updated_at = sprint.created_at
    if state != SprintState.PLANNED:
        sprint.started_at, sprint.started_by = window.started_at, w.lead
    if state == SprintState.CLOSED:
        sprint.closed_at, sprint.closed_by = window.closed_at, w.lead
        sprint.updated_at = window.closed_at
        if retro and any(retro):
            sprint.retro_went_well, sprint.retro_to_improve, sprint.retro_actions = retro
            sprint.retro_updated_at = window.closed_at + timedelta(minutes=45)
            sprint.retro_updated_by = w.lead
    db.session.add(sprint)
    return sprint


def _closed_sprint(w: Writer, k: int, sprint: Sprint, window: Window, chunk: list[Item],
                   carried_out: Item, following: Sprint, n_closed: int) -> None:
    """Commit, work and close one past sprint; the first item of the chunk arrived carried
    over from the sprint before (k > 0)."""
    planning = window.started_at - timedelta(minutes=30)
    carried_in = chunk[0] if k > 0 else None
    added = chunk[-1] if k == min(1, n_closed - 1) else None
    rejected = chunk[2] if k == min(1, n_closed - 1) else None
    reopened = chunk[1] if k == n_closed - 1 else None
    re_estimated = chunk[1] if k == 0 else None
    regular = [i for i in chunk if i not in (carried_in, added, rejected, reopened)]
    for n, item in enumerate(chunk):
        if item is carried_in:
            continue
        w.retime(item, local(window.start - timedelta(days=6 + n % 9), 10 + n % 6))
        w.flow(item, [w.ready(item)])
        w.move(item, sprint, window.wd(2, 10) if item is added else planning)
    for n, item in enumerate(regular):
        day = 1 + round(n * 8 / max(len(regular) - 1, 1))
        if item is re_estimated:
            day = max(day, 4)
            w.estimate(item, max((item.estimate or 3) - 3, 1), window.wd(2, 11))
        w.flow(item, w.done_steps(window, day))
    if carried_in is not None:
        w.flow(carried_in, [(Status.REVIEW, window.wd(1, 13), w.dev, "")]
               + w.done_steps(window, 2)[2:])
    if added is not None:
        w.flow(added, w.done_steps(window, 6, started=3))
    if rejected is not None:
        w.flow(rejected, w.done_steps(window, 3, started=1)[:3] + [
            (Status.IN_PROGRESS, window.wd(4, 11), w.po,
             "Eksporten mangler kolonnen med kontraktens ejer, som vi aftalte på mødet."),
            (Status.REVIEW, window.wd(6, 13), w.dev, ""),
            (Status.ACCEPTANCE, window.wd(7, 10), w.dev, ""),
            (Status.DONE, window.wd(8, 14), w.po, "")])
    if reopened is not None:
        w.flow(reopened, w.done_steps(window, 2, started=0) + [
            (Status.IN_PROGRESS, window.wd(4, 10), w.po,
             "Virker ikke i Safari på kommunens Mac'er; siden bliver blank."),
            (Status.REVIEW, window.wd(6, 13), w.dev, ""),
            (Status.ACCEPTANCE, window.wd(7, 10), w.dev, ""),
            (Status.DONE, window.wd(7, 14), w.po, "")])
    # The item that did not make it: committed at the start, in progress at the close.
    if k + 1 < n_closed:
        w.retime(carried_out, local(window.start - timedelta(days=5), 11))
        w.flow(carried_out, [w.ready(carried_out)])
    w.move(carried_out, sprint, planning)
    if k + 1 < n_closed:
        w.flow(carried_out, [(Status.IN_PROGRESS, window.wd(6, 9, 30), w.dev, "")])
    w.move(carried_out, following, window.closed_at)
    sprint.carried_to = following


def _active_sprint(project, w: Writer, sprint: Sprint, window: Window, in_flight, active_done,
                   today: date) -> None:
    """The sprint under way: the work in flight, a few items done this week, one added."""
    planning = window.started_at - timedelta(minutes=30)
    elapsed = max(sum(1 for d in window.working if d <= today) - 1, 0)
    for item in in_flight:
        if item.sprint_id is None:
            w.move(item, sprint, planning)
    for n, item in enumerate(active_done):
        w.retime(item, local(window.start - timedelta(days=8 + n), 10))
        w.flow(item, [w.ready(item)])
        w.move(item, sprint, planning)
        day = min(1 + n, elapsed)
        w.flow(item, w.done_steps(window, day, started=0) if day else [])
    rejected = next((i for i in in_flight if i.status == Status.IN_PROGRESS
                     and not i.is_blocked and i.sprint_id == sprint.id), None)
    if rejected is not None and elapsed >= 2:
        w.flow(rejected, [
            (Status.REVIEW, window.wd(0, 13), w.dev, ""),
            (Status.ACCEPTANCE, window.wd(1, 10), w.dev, ""),
            (Status.IN_PROGRESS, window.wd(2, 11), w.po,
             "Filteret glemmer valget, når man går tilbage til listen; se acceptkriterie 2.")])
    ready = _top(project, Status.READY)
    if ready is not None:
        w.move(ready, sprint, planning)
    # Added mid-sprint, straight from the backlog: the municipality's small urgent wish.
    extra = _top(project, Status.BACKLOG, max_points=3)
    if extra is not None:
        w.move(extra, sprint, window.wd(min(2, elapsed), 10, 15))


def _top(project, status, max_points: float = 999) -> Item | None:
    """The highest-ranked item with this status that is in no sprint."""
    return db.session.scalar(
        select(Item).where(Item.project_id == project.id, Item.status == status,
                           Item.sprint_id.is_(None), Item.type != ItemType.EPIC,
                           Item.estimate <= max_points)
        .order_by(Item.rank).limit(1))


def _planned_sprint(project, w: Writer, sprint: Sprint, capacity: float) -> None:
    """The next sprint, planned yesterday up to about 85 % of its capacity."""
    candidates = db.session.scalars(
        select(Item).where(Item.project_id == project.id, Item.sprint_id.is_(None),
                           Item.status != Status.DONE, Item.type != ItemType.EPIC)
        .order_by(Item.rank))
    total = 0.0
    for item in candidates:
        if total >= capacity * 0.85:
            break
        w.move(item, sprint, w.now - timedelta(days=1))
        total += item.estimate or 0
