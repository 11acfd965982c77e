"""The teams' work on Overblik and Borgerbooking over the past weeks: the board's moves, the
municipalities' acceptance, closed sprints with realistic burndowns and a velocity, the active
sprint half-way and the next one planned.

Runs after app/demo/backlog.py, which wrote the items (all still in the backlog) and where each
ends up (`ctx["work"]`). Everything that happened is gathered on a timeline and replayed in the
order it happened, through the board's and the sprints' services, so every move meets the
rules in the state of its moment. One sprint shows each kind of event the burndown knows: an
item added mid-sprint, an estimate raised mid-sprint, an item rejected in acceptance, a done
item reopened, and unfinished work carried into the next sprint.
"""
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from app.backlog.models import Item, Status
from app.backlog.services import update_item
from app.board.services import move_item
from app.clock import COPENHAGEN, local_today
from app.demo.backlog import Work
from app.demo.releases import tick_done
from app.sprints.models import Sprint
from app.sprints.services import (close_sprint, commit_item, create_sprint, save_retrospective,
                                  start_sprint)

FLOW = [Status.BACKLOG, Status.READY, Status.IN_PROGRESS, Status.REVIEW, Status.ACCEPTANCE,
        Status.DONE]
IN_FLIGHT = (Status.IN_PROGRESS, Status.REVIEW, Status.ACCEPTANCE)
SPRINT_DAYS = 12  # Monday to the Friday of the following week
RAISE = 3  # the points the first sprint's under-estimated item grows by


@dataclass
class Plan:
    capacity: int
    lead: str
    pos: tuple[str, str]  # the product owner who accepts, and the one who readies items
    closed: list  # (goal, went well, to improve, actions)
    active_goal: str
    planned_goal: str
    active_done: int = 2  # items done so far in the active sprint


PLANS = {
    "OVB": Plan(
        capacity=70, lead="lead_nordlys", active_done=4, pos=("po_ballerup", "po_aarhus"),
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
        capacity=35, lead="dev2_nordlys", pos=("po_aarhus", "po_odense"),
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

REJECTED_IN_SPRINT = "Eksporten mangler kolonnen med kontraktens ejer, som vi aftalte på mødet."
REOPENED = "Virker ikke i Safari på kommunens Mac'er; siden bliver blank."
REJECTED_NOW = "Filteret glemmer valget, når man går tilbage til listen; se acceptkriterie 2."


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
    def created_at(self) -> datetime:
        """When the sprint is created: the Thursday before it starts."""
        return local(self.start - timedelta(days=4), 14)

    @property
    def planning(self) -> datetime:
        return self.started_at - timedelta(minutes=30)

    @property
    def started_at(self) -> datetime:
        return local(self.start, 9)

    @property
    def closed_at(self) -> datetime:
        return local(self.end, 15, 30)


class Timeline:
    """What happened, gathered in any order and replayed in the order it happened, so each
    service acts on the state of its moment. Nothing is dated later than a few minutes ago:
    what would be later happens then, in the order it was gathered."""

    def __init__(self, now: datetime):
        self.latest = now - timedelta(minutes=5)
        self.events: list = []

    def add(self, moment: datetime, action, *args, **kwargs) -> None:
        """Call `action(*args, **kwargs, at=moment)` when the replay reaches `moment`."""
        self.events.append((min(moment, self.latest), len(self.events),
                            partial(action, *args, **kwargs)))

    def play(self) -> None:
        """Do everything gathered, the earliest first."""
        for moment, _order, action in sorted(self.events, key=lambda event: event[:2]):
            action(at=moment)


class Team:
    """One project's people, putting what they did on the timeline; the sprints are created
    when the timeline plays, and found by name from then on."""

    def __init__(self, project, users, plan: Plan, timeline: Timeline):
        self.project, self.plan, self.timeline = project, plan, timeline
        self.po, self.po2 = users[plan.pos[0]], users[plan.pos[1]]
        self.lead = users[plan.lead]
        self.dev = users["dev_nordlys"]
        self.sprints: dict[str, Sprint] = {}

    def create(self, name: str, goal: str, window: Window, capacity: float, moment: datetime):
        self.timeline.add(moment, self._create, name, goal, window, capacity)

    def _create(self, name, goal, window, capacity, at):
        self.sprints[name] = create_sprint(self.project, self.lead, name, window.start,
                                           window.end, capacity, goal, at=at)

    def on_sprint(self, moment: datetime, service, name: str, *args, **kwargs) -> None:
        """The delivery lead calls a sprint service on the sprint of that name at `moment`."""
        self.timeline.add(moment, lambda at: service(self.sprints[name], self.lead, *args,
                                                     at=at, **kwargs))

    def commit(self, name: str, item: Item, moment: datetime) -> None:
        self.on_sprint(moment, commit_item, name, item)

    def close(self, name: str, window: Window, retro) -> None:
        """Close at the end of the sprint, unfinished work into the next, then the retro."""
        self.on_sprint(window.closed_at, close_sprint, name, unfinished="next")
        if any(retro):
            self.on_sprint(window.closed_at + timedelta(minutes=45), save_retrospective, name,
                           *retro)

    def flow(self, item: Item, steps) -> None:
        """Moves on the board: (status, moment, actor, reason) each."""
        for status, moment, actor, reason in steps:
            self.timeline.add(moment, move_item, item, actor, status, reason=reason)
            if status == Status.ACCEPTANCE:
                # The vendor ticks the definition of done as the item goes to acceptance.
                self.timeline.add(moment, tick_done, item, self.dev)

    def ready(self, item: Item, moment: datetime) -> None:
        """Made ready for a sprint at `moment`, but not before a day after it was written."""
        moment = max(moment, item.created_at + timedelta(days=1))
        self.flow(item, [(Status.READY, moment, self.po2, "")])

    def walk(self, item: Item, target: str, now: datetime) -> None:
        """Along the workflow to `target`, the steps evenly between creation and now."""
        steps = FLOW[1:FLOW.index(target) + 1]
        gap = (now - item.created_at) / (len(steps) + 1)
        self.flow(item, [(step, item.created_at + gap * n, self._mover(step), "")
                         for n, step in enumerate(steps, start=1)])

    def _mover(self, status: str):
        if status == Status.DONE:
            return self.po
        return self.po2 if status == Status.READY else self.dev

    def done_steps(self, window: Window, done: int, started: int | None = None) -> list:
        started = max(done - 3, 0) if started is None else started
        return [(Status.IN_PROGRESS, window.wd(started, 9, 30), self.dev, ""),
                (Status.REVIEW, window.wd(max(done - 1, started), 13), self.dev, ""),
                (Status.ACCEPTANCE, window.wd(done, 10), self.dev, ""),
                (Status.DONE, window.wd(done, 14), self.po, "")]

    def raise_estimate(self, item: Item, points: float, moment: datetime) -> None:
        self.timeline.add(moment, update_item, item, self.lead, {"estimate": points})

    def block(self, item: Item, reason: str, moment: datetime) -> None:
        """Blocked by whoever works on it (the delivery lead if nobody does), with the reason."""
        actor = item.assignee or self.lead
        self.timeline.add(moment, update_item, item, actor,
                          {"is_blocked": True, "blocked_reason": reason})


def seed_sprints(ctx: dict) -> dict:
    """Closed, active and planned sprints for OVB and BOOK, and every move on their boards."""
    now = ctx["now"]
    timeline = Timeline(now)
    count = 0
    for key, plan in PLANS.items():
        team = Team(ctx["projects"][key], ctx["users"], plan, timeline)
        count += _plan_project(team, ctx["work"][key], now)
    timeline.play()
    return {"sprints": count}


def _split(pool: list[Item], parts: int, points: dict[int, float]) -> list[list[Item]]:
    """Split the done items into sprints of slowly growing size (a team finding its pace)."""
    weights = [1 + 0.1 * n for n in range(parts)]
    total = sum(points[i.id] for i in pool)
    chunks, current, acc = [[] for _ in range(parts)], 0, 0.0
    for item in pool:
        chunks[current].append(item)
        acc += points[item.id]
        if current < parts - 1 and acc >= total * sum(weights[:current + 1]) / sum(weights):
            current += 1
    return chunks


def _plan_project(team: Team, work: list[Work], now: datetime) -> int:
    """Put the project's story on the timeline; returns how many sprints it has."""
    plan = team.plan
    today = local_today(now)
    monday = today - timedelta(days=today.weekday())
    n_closed = len(plan.closed)
    windows = [Window.from_start(monday - timedelta(days=14 * (n_closed - k)))
               for k in range(n_closed)]
    names = [f"Sprint {k + 1}" for k in range(n_closed + 2)]

    done = [w.item for w in work if w.target == Status.DONE and not w.is_earlier]
    active_done, pool = done[-plan.active_done:], done[:-plan.active_done]
    earlier = [w.item for w in work if w.is_earlier]
    in_flight = [w for w in work if w.target in IN_FLIGHT]
    carried_last = next(w.item for w in in_flight
                        if w.target == Status.IN_PROGRESS and not w.blocked)
    sequence = earlier + pool  # the closed sprints' work, in the order it was done
    points = {w.item.id: w.item.estimate or 0 for w in work}
    points[sequence[1].id] += RAISE  # Sprint 1's second item ends bigger (see _closed_sprint)
    chunks = _split(sequence, n_closed, points)

    for k, (window, notes) in enumerate(zip(windows, plan.closed, strict=True)):
        carried_out = chunks[k + 1][0] if k + 1 < n_closed else carried_last
        _closed_sprint(team, k, n_closed, names[k], notes, window, chunks[k], carried_out)
    ready_top = next((w.item for w in work if w.target == Status.READY), None)
    extra = next((w.item for w in work
                  if w.target == Status.BACKLOG and (w.item.estimate or 0) <= 3), None)
    _active_sprint(team, names[n_closed], Window.from_start(monday), in_flight, carried_last,
                   active_done, ready_top, extra, today)
    for w in work:
        if w.target in (Status.READY, *IN_FLIGHT) and w.item is not carried_last:
            team.walk(w.item, w.target, now)
        if w.blocked:
            team.block(w.item, w.blocked, now - timedelta(days=1))
    taken = {carried_last, ready_top, extra, *(w.item for w in in_flight)}
    backlog = [w.item for w in work if w.target != Status.DONE and w.item not in taken]
    _planned_sprint(team, names[n_closed + 1], Window.from_start(monday + timedelta(days=14)),
                    backlog, now)
    return n_closed + 2


def _closed_sprint(team: Team, k: int, n_closed: int, name: str, notes, window: Window,
                   chunk: list[Item], carried_out: Item) -> None:
    """Plan, work and close one past sprint; the first item of the chunk arrived carried over
    from the sprint before (k > 0), `carried_out` goes on to the next one unfinished."""
    carried_in = chunk[0] if k > 0 else None
    added = chunk[-1] if k == min(1, n_closed - 1) else None
    rejected = chunk[2] if k == min(1, n_closed - 1) else None
    reopened = chunk[1] if k == n_closed - 1 else None
    re_estimated = chunk[1] if k == 0 else None
    regular = [i for i in chunk if i not in (carried_in, added, rejected, reopened)]
    # The plan they made: a round capacity just above what they committed to at the start.
    committed = sum(i.estimate or 0 for i in [*chunk, carried_out] if i is not added)
    team.create(name, notes[0], window, 5 * math.ceil((committed + 1) / 5), window.created_at)
    for n, item in enumerate(chunk):
        if item is carried_in:
            continue
        team.ready(item, local(window.start - timedelta(days=5 + n % 9), 10 + n % 6))
        team.commit(name, item, window.wd(2, 10) if item is added else window.planning)
    team.ready(carried_out, local(window.start - timedelta(days=4), 11))
    team.commit(name, carried_out, window.planning)
    team.on_sprint(window.started_at, start_sprint, name)
    for n, item in enumerate(regular):
        day = 1 + round(n * 8 / max(len(regular) - 1, 1))
        if item is re_estimated:
            day = max(day, 4)
            team.raise_estimate(item, (item.estimate or 0) + RAISE, window.wd(2, 11))
        team.flow(item, team.done_steps(window, day))
    if carried_in is not None:
        team.flow(carried_in, [(Status.REVIEW, window.wd(1, 13), team.dev, ""),
                               *team.done_steps(window, 2)[2:]])
    if added is not None:
        team.flow(added, team.done_steps(window, 6, started=3))
    if rejected is not None:
        team.flow(rejected, [
            *team.done_steps(window, 3, started=1)[:3],
            (Status.IN_PROGRESS, window.wd(4, 11), team.po, REJECTED_IN_SPRINT),
            (Status.REVIEW, window.wd(6, 13), team.dev, ""),
            (Status.ACCEPTANCE, window.wd(7, 10), team.dev, ""),
            (Status.DONE, window.wd(8, 14), team.po, "")])
    if reopened is not None:
        team.flow(reopened, [
            *team.done_steps(window, 2, started=0),
            (Status.IN_PROGRESS, window.wd(4, 10), team.po, REOPENED),
            (Status.REVIEW, window.wd(6, 13), team.dev, ""),
            (Status.ACCEPTANCE, window.wd(7, 10), team.dev, ""),
            (Status.DONE, window.wd(7, 14), team.po, "")])
    # The item that did not make it: committed at the start, in progress at the close.
    team.flow(carried_out, [(Status.IN_PROGRESS, window.wd(6, 9, 30), team.dev, "")])
    team.close(name, window, notes[1:])


def _active_sprint(team: Team, name: str, window: Window, in_flight: list[Work],
                   carried_last: Item, active_done: list[Item], ready_top: Item | None,
                   extra: Item | None, today: date) -> None:
    """The sprint under way: the work in flight, a few items done this week, one rejected in
    acceptance, one added."""
    elapsed = max(sum(1 for d in window.working if d <= today) - 1, 0)
    team.create(name, team.plan.active_goal, window, team.plan.capacity, window.created_at)
    for w in in_flight:
        if w.item is not carried_last:  # that one comes unfinished from the last sprint
            team.commit(name, w.item, window.planning)
    for n, item in enumerate(active_done):
        team.ready(item, local(window.start - timedelta(days=7 + n), 10))
        team.commit(name, item, window.planning)
    if ready_top is not None:
        team.commit(name, ready_top, window.planning)
    team.on_sprint(window.started_at, start_sprint, name)
    for n, item in enumerate(active_done):
        day = min(1 + n, elapsed)
        if day:
            team.flow(item, team.done_steps(window, day, started=0))
    if elapsed >= 2:
        team.flow(carried_last, [(Status.REVIEW, window.wd(0, 13), team.dev, ""),
                                 (Status.ACCEPTANCE, window.wd(1, 10), team.dev, ""),
                                 (Status.IN_PROGRESS, window.wd(2, 11), team.po, REJECTED_NOW)])
    # Added mid-sprint, straight from the backlog: the municipality's small urgent wish.
    if extra is not None:
        team.commit(name, extra, window.wd(min(2, elapsed), 10, 15))


def _planned_sprint(team: Team, name: str, window: Window, backlog: list[Item],
                    now: datetime) -> None:
    """The next sprint, planned yesterday up to about 85 % of its capacity."""
    capacity = team.plan.capacity
    team.create(name, team.plan.planned_goal, window, capacity, now - timedelta(days=1, hours=1))
    total = 0.0
    for item in backlog:
        if total >= capacity * 0.85:
            break
        team.commit(name, item, now - timedelta(days=1))
        total += item.estimate or 0
