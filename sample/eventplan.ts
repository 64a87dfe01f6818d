/** Decides which meetings start on a day, with the mix of cases the scoring rules must tell apart. */
import { Rng } from "./rng";
import { Account, Contact, World } from "./model";
import { DAY_MS } from "./time";
import { MEETING_TOPICS, OFFICES, ZONE_NAMES } from "./names";
import { drawPair } from "./world";
import { Attendee, EventItem, EventKind, Response } from "./eventrows";

const KINDS: EventKind[] = ["internal", "customer", "large", "allDay", "personal"];
const KIND_WEIGHTS = [0.33, 0.5, 0.04, 0.05, 0.08];
const RESPONSES: Response[] = ["accepted", "tentativelyAccepted", "declined", "none", "notResponded"];
const RESPONSE_WEIGHTS = [0.55, 0.12, 0.1, 0.2, 0.03];

export class EventPlanner {
  constructor(private readonly world: World) {}

  private attendee(rng: Rng, who: Contact | number, start: number, type: Attendee["type"] = "required", response?: Response): Attendee {
    const user = typeof who === "number" ? who : null;
    const r = response ?? RESPONSES[rng.weighted(RESPONSE_WEIGHTS)];
    const answered = r !== "none" && r !== "notResponded";
    return {
      who: typeof who === "number" ? this.world.users[who] : who,
      user,
      type,
      response: r,
      respondedAt: answered ? start - 1000 * rng.int(3600, 10 * 86_400) : null,
    };
  }

  /** CEOs only ever appear in the planned executive meetings, so some accounts have one and others none. */
  private nonCeo(rng: Rng, account: Account, n: number): Contact[] {
    return rng.sample(
      account.contacts.filter((c) => !c.isCeo),
      n,
    );
  }

  private base(rng: Rng, kind: EventKind, dayStart: number, organizerUser: number | null): EventItem {
    const startMinutes = rng.chance(0.9) ? rng.int(26, 43) * 30 : rng.int(0, 47) * 30;
    const start = dayStart + Math.min(startMinutes, 23 * 60 + 30) * 60_000;
    const zone = rng.chance(0.28) ? rng.pick(ZONE_NAMES) : "UTC";
    const online = rng.chance(0.6);
    const organizer = organizerUser === null ? this.world.users[0] : this.world.users[organizerUser];
    return {
      kind,
      iCalUId: `040000008200E00074C5B7101A82E00800000000${rng.hex(16)}000000000000000010000000${rng.hex(32)}`,
      subject: rng.pick(MEETING_TOPICS),
      start,
      end: start + rng.pick([30, 30, 45, 60, 60, 90]) * 60_000,
      isAllDay: false,
      isCancelled: rng.chance(0.06),
      isOnline: online,
      location: online ? "Microsoft Teams Meeting" : rng.pick(OFFICES),
      organizer,
      organizerUser,
      attendees: [],
      type: "singleInstance",
      seriesMasterId: null,
      timeZone: zone,
      originalTimeZone: organizerUser === null ? rng.pick(ZONE_NAMES) : organizer.timeZone,
      createdAt: start - 1000 * rng.int(86_400, 20 * 86_400),
      showAs: "busy",
    };
  }

  /** The one executive meeting of an account, on its planned day. */
  exec(rng: Rng, account: Account, dayStart: number): EventItem {
    const item = this.base(rng, "exec", dayStart, account.ownerSellerIndex);
    const ceo = account.contacts.find((c) => c.isCeo) as Contact;
    item.subject = `Executive briefing - ${account.name}`;
    item.isCancelled = false;
    item.attendees = [
      this.attendee(rng, ceo, item.start, "required", "accepted"),
      ...this.nonCeo(rng, account, 1).map((c) => this.attendee(rng, c, item.start)),
    ];
    for (const s of account.team.slice(1, 2)) item.attendees.push(this.attendee(rng, s, item.start, "optional", "accepted"));
    return this.finish(item);
  }

  next(rng: Rng, day: number, dayStart: number): EventItem {
    const { world } = this;
    let kind = KINDS[rng.weighted(KIND_WEIGHTS)];
    const pair = kind === "customer" || kind === "large" || kind === "allDay" ? drawPair(world, rng, day) : null;
    if (!pair && kind !== "personal") kind = "internal";
    const users = world.users;
    const anyUser = () => rng.int(0, users.length - 1);
    let item: EventItem;

    if (kind === "personal") {
      item = this.base(rng, kind, dayStart, anyUser());
      item.subject = rng.pick(["Focus time", "Lunch", "Travel to airport", "Prep for customer call"]);
      item.isOnline = false;
      item.location = "";
      item.isCancelled = false;
    } else if (kind === "internal" || !pair) {
      const series = rng.chance(0.3) ? rng.pick(world.series) : null;
      item = this.base(rng, "internal", dayStart, series ? series.organizer : anyUser());
      const others = series
        ? series.attendees
        : rng.sample(
            users.map((u) => u.index).filter((i) => i !== item.organizerUser),
            rng.int(1, 5),
          );
      item.attendees = others.map((u) => this.attendee(rng, u, item.start));
      item.subject = series ? series.subject : rng.pick(["Pipeline review", "Team sync", "Deal strategy", "1:1", "Forecast call"]);
      if (series) {
        item.seriesMasterId = series.masterId;
        item.type = rng.chance(0.08) ? "exception" : "occurrence";
        if (item.type === "occurrence") {
          item.start = dayStart + series.hourUtc * 3_600_000;
          item.end = item.start + 30 * 60_000;
        }
      }
    } else {
      const account = world.accounts[pair.account];
      const contact = account.contacts[pair.contact];
      if (kind === "allDay") {
        item = this.base(rng, kind, dayStart, pair.seller);
        item.isAllDay = true;
        item.start = dayStart;
        item.end = dayStart + DAY_MS;
        item.timeZone = "UTC";
        item.isOnline = false;
        item.location = rng.chance(0.5) ? `${account.name} offices` : "Offsite";
        item.subject = rng.pick(["Customer site visit", "Trade show", "Team offsite", "Training day"]);
        item.showAs = rng.chance(0.5) ? "oof" : "free";
        if (rng.chance(0.5)) item.attendees = this.nonCeo(rng, account, 1).map((c) => this.attendee(rng, c, item.start));
      } else if (kind === "large") {
        item = this.base(rng, kind, dayStart, pair.seller);
        item.isOnline = true;
        item.location = "Microsoft Teams Meeting";
        item.subject = rng.pick(["Customer webinar", "Quarterly Business Review", "Partner town hall"]);
        const size = rng.int(20, 35);
        const externals = this.nonCeo(rng, account, Math.ceil(size / 2));
        // Colleagues outside the account team are non-sellers, so a single-threaded account stays single-threaded.
        const pool = users.filter((u) => u.index !== pair.seller && (!u.isSeller || account.team.includes(u.index))).map((u) => u.index);
        const internals = rng.sample(pool, size - externals.length);
        item.attendees = [...externals, ...internals].map((w, i) =>
          this.attendee(rng, w, item.start, i % 4 === 3 ? "optional" : "required"),
        );
      } else {
        const hostedByContact = rng.chance(0.2);
        item = this.base(rng, kind, dayStart, hostedByContact ? null : pair.seller);
        const guests = this.nonCeo(rng, account, rng.int(1, 3));
        if (hostedByContact) {
          const host = contact.isCeo ? guests[0] : contact;
          item.organizer = host;
          item.attendees = [
            this.attendee(rng, pair.seller, item.start),
            ...guests.filter((c) => c !== host).map((c) => this.attendee(rng, c, item.start)),
          ];
        } else item.attendees = guests.map((c) => this.attendee(rng, c, item.start));
        const colleagues = account.team.filter((s) => s !== pair.seller);
        for (const s of rng.sample(colleagues, rng.int(0, Math.min(2, colleagues.length))))
          item.attendees.push(this.attendee(rng, s, item.start));
        if (rng.chance(0.1))
          item.attendees.push(this.attendee(rng, rng.pick(users.filter((u) => !u.isSeller)).index, item.start, "optional"));
        item.subject = `${rng.pick(MEETING_TOPICS)} - ${account.name.replace(/,.*$/, "")}`;
      }
    }
    return this.finish(item);
  }

  private finish(item: EventItem): EventItem {
    if (item.isCancelled) item.subject = `Canceled: ${item.subject}`;
    return item;
  }
}
