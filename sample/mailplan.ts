/** Decides which e-mails are sent on a day: a weighted mix of the situations the scoring rules must handle. */
import { Rng } from "./rng";
import { Address, Contact, World } from "./model";
import { DAY_MS } from "./time";
import { INTERNAL_TOPICS, MAIL_TOPICS } from "./names";
import { drawPair } from "./world";
import { MailItem, MailKind, mailHeaders } from "./mailrows";

interface Thread {
  conversationId: string;
  rootIndex: Buffer;
  replies: number;
  subject: string;
  seller: number;
  otherSellers: number[];
  contact: Contact;
  lastFromContact: boolean;
  /** When its newest mail was sent: a later mail of the thread is sent after it. */
  lastSentAt: number;
}

/** Open customer threads carried across days; bounded so memory stays flat however long the run. */
export class ThreadPool {
  private readonly threads: Thread[] = [];
  constructor(private readonly limit = 400) {}
  add(thread: Thread, rng: Rng): void {
    if (this.threads.length < this.limit) this.threads.push(thread);
    else this.threads[rng.int(0, this.limit - 1)] = thread;
  }
  /**
   * A recent-leaning thread whose last message came from the given side, or null. A thread whose
   * newest mail was sent after `answerableUntil` (late on the day being planned) cannot be answered
   * on that day, since the answer must come after it and land in the same day's folder.
   */
  find(rng: Rng, fromContact: boolean, world: World, day: number, answerableUntil: number): Thread | null {
    for (let attempt = 0; attempt < 8 && this.threads.length > 0; attempt++) {
      const t = this.threads[this.threads.length - 1 - Math.floor(this.threads.length * rng.next() * rng.next())];
      if (
        t.lastFromContact === fromContact &&
        t.lastSentAt <= answerableUntil &&
        world.accounts[t.contact.accountIndex].lastActiveDay >= day
      )
        return t;
    }
    return null;
  }
}

const KINDS: MailKind[] = ["internal", "outbound", "inbound", "reply", "unknown", "autoReply", "mass"];
const KIND_WEIGHTS = [0.34, 0.27, 0.2, 0.07, 0.08, 0.025, 0.005];
/** The last second a mail may be sent on its day: its copies arrive up to 6 s later, in the same day's folder. */
const LAST_SEND_MS = DAY_MS - 10_000;
/** How soon after a thread's newest mail a same-day answer can come, at the least and at the most. */
const SAME_DAY_ANSWER_MS = { min: 2 * 60_000, max: 3 * 3_600_000 };

export class MailPlanner {
  readonly pool = new ThreadPool();
  /** Copies people the CRM does not list, from a stream of its own so every other draw is unchanged. */
  private readonly notInCrm: Rng;
  /** Moves a same-day answer after the mail it answers; its own stream, for the same reason. */
  private readonly answerDelay: Rng;
  constructor(
    private readonly world: World,
    seed: number,
  ) {
    this.notInCrm = new Rng(seed, "not-in-crm-mail");
    this.answerDelay = new Rng(seed, "same-day-answer-delay");
  }

  /**
   * When a mail of thread `t` drawn for `drawn` is sent: as drawn when that is after the thread's
   * newest mail, else a few minutes to hours after it (the day's draw of a time of day knows no
   * thread). `find` only offers threads with room left in the day.
   */
  private threadSendTime(t: Thread, drawn: number, dayStart: number): number {
    if (drawn > t.lastSentAt) return drawn;
    const delay = this.answerDelay.int(SAME_DAY_ANSWER_MS.min, SAME_DAY_ANSWER_MS.max);
    return Math.min(t.lastSentAt + delay, dayStart + LAST_SEND_MS);
  }

  private sendTime(rng: Rng, dayStart: number): number {
    // Mostly business hours across the tenant's zones, kept inside the UTC day so every copy lands in it.
    const seconds = rng.chance(0.85) ? rng.int(12 * 3600, 23 * 3600) : rng.int(0, 86_390 - 10);
    return dayStart + Math.min(seconds * 1000, LAST_SEND_MS);
  }

  private internalOthers(rng: Rng, exclude: number, n: number): number[] {
    const ids = this.world.users.map((u) => u.index).filter((i) => i !== exclude);
    return rng.sample(ids, n);
  }

  private base(rng: Rng, kind: MailKind, dayStart: number, sender: Address, senderUser: number | null): MailItem {
    const sentAt = this.sendTime(rng, dayStart);
    const domain = sender.address.split("@")[1];
    const internetMessageId = `<${rng.guid()}@${domain}>`;
    return {
      kind,
      internetMessageId,
      sentAt,
      sender,
      senderUser,
      conversationId: `AAQkAD${rng.base64(51)}`,
      conversationIndex: "",
      subject: "",
      preview: "",
      to: [],
      cc: [],
      bcc: [],
      importance: rng.chance(0.05) ? "high" : rng.chance(0.02) ? "low" : "normal",
      hasAttachments: rng.chance(0.12),
      mailboxes: [],
      headers: [],
    };
  }

  private newThreadIndex(rng: Rng): Buffer {
    return Buffer.from(Array.from({ length: 22 }, () => rng.int(0, 255)));
  }

  /** Plans one message; the caller keeps asking until the day's row quota is met. */
  next(rng: Rng, day: number, dayStart: number): MailItem {
    const { world } = this;
    let kind = KINDS[rng.weighted(KIND_WEIGHTS)];
    const pair = kind === "internal" || kind === "unknown" ? null : drawPair(world, rng, day);
    if (!pair && kind !== "unknown") kind = "internal";
    const users = world.users;
    let item: MailItem;
    let thread: Thread | null = null;
    let threadFromContact: boolean;

    if (kind === "unknown") {
      const stranger = rng.pick(world.unknownSenders);
      const user = rng.int(0, users.length - 1);
      if (rng.chance(0.25)) {
        item = this.base(rng, kind, dayStart, users[user], user);
        item.to = [stranger];
        item.subject = "Question about your offer";
      } else {
        item = this.base(rng, kind, dayStart, stranger, null);
        item.to = [users[user]];
        item.subject = rng.pick(["Your weekly digest", "Invoice available", "Webinar invitation", "New features this month"]);
      }
    } else if (kind === "internal" || !pair) {
      const sender = rng.chance(0.7) ? rng.pick(world.sellers).index : rng.int(0, users.length - 1);
      item = this.base(rng, "internal", dayStart, users[sender], sender);
      const others = this.internalOthers(rng, sender, rng.int(1, 5));
      item.to = others.slice(0, rng.int(1, Math.min(3, others.length))).map((i) => users[i]);
      item.cc = others.slice(item.to.length).map((i) => users[i]);
      item.subject = `${rng.chance(0.3) ? "RE: " : ""}${rng.pick(INTERNAL_TOPICS)}`;
    } else if (kind === "mass") {
      const seller = world.users[pair.seller];
      item = this.base(rng, kind, dayStart, seller, seller.index);
      // Only the seller's own accounts plus prospects outside CRM, so a mass mail never adds a second seller to an account.
      const size = rng.int(30, 80);
      const own = world.accounts
        .filter((a) => a.state !== "untouched" && a.team.includes(seller.index) && a.lastActiveDay >= day)
        .flatMap((a) => a.contacts);
      const audience: Address[] = rng.sample(own, Math.min(own.length, Math.round(size * 0.7)));
      for (let k = audience.length; k < size; k++)
        audience.push({ name: `Prospect ${k}`, address: `lead${rng.int(1, 5000)}@prospects.example.net` });
      audience.push(rng.pick(world.unknownSenders));
      if (rng.chance(0.6)) {
        item.to = [seller];
        item.bcc = audience;
      } else item.to = audience;
      item.subject = rng.pick(["Invitation: Contoso Summit 2026", "Product update for our customers", "Season's greetings"]);
      item.importance = "normal";
    } else {
      const account = world.accounts[pair.account];
      const contact = account.contacts[pair.contact];
      const seller = users[pair.seller];
      const wantsFromContact = kind === "reply";
      if (kind === "reply" || kind === "autoReply" || (kind === "inbound" && rng.chance(0.7)))
        thread = this.pool.find(rng, wantsFromContact, world, day, dayStart + LAST_SEND_MS - SAME_DAY_ANSWER_MS.min);
      if (kind === "reply" && !thread) kind = "outbound";
      if (kind === "outbound" || (kind === "inbound" && !thread) || (kind === "autoReply" && !thread)) {
        const fromContact = kind !== "outbound";
        const others = account.team.filter((s) => s !== seller.index);
        thread = {
          conversationId: "",
          rootIndex: this.newThreadIndex(rng),
          replies: -1,
          subject: `${rng.pick(MAIL_TOPICS)} - ${account.name.replace(/,.*$/, "")}`,
          seller: seller.index,
          otherSellers: others.length > 0 && rng.chance(0.3) ? [rng.pick(others)] : [],
          contact,
          lastFromContact: !fromContact,
          lastSentAt: -Infinity,
        };
        if (kind !== "autoReply") this.pool.add(thread, rng);
      }
      const t = thread as Thread;
      threadFromContact = kind === "inbound" || kind === "autoReply";
      const fromUser = threadFromContact ? null : t.seller;
      item = this.base(rng, kind, dayStart, threadFromContact ? t.contact : users[t.seller], fromUser);
      if (t.conversationId) item.conversationId = t.conversationId;
      else t.conversationId = item.conversationId;
      item.sentAt = this.threadSendTime(t, item.sentAt, dayStart);
      t.lastSentAt = item.sentAt;
      t.replies += 1;
      const index =
        t.replies === 0
          ? t.rootIndex
          : Buffer.concat([
              t.rootIndex,
              ...Array.from({ length: t.replies }, () =>
                Buffer.from([rng.int(0, 255), rng.int(0, 255), rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]),
              ),
            ]);
      item.conversationIndex = index.toString("base64");
      const sellersOnThread = [t.seller, ...t.otherSellers].map((i) => users[i]);
      if (threadFromContact) {
        item.to = kind === "autoReply" ? [users[t.seller]] : sellersOnThread.slice(0, 1);
        item.cc = kind === "autoReply" ? [] : sellersOnThread.slice(1);
      } else {
        item.to = [t.contact];
        if (kind === "outbound" && rng.chance(0.2)) {
          const extra = rng.pick(account.contacts);
          if (extra !== t.contact) item.to.push(extra);
        }
        item.cc = sellersOnThread.slice(1);
        if (kind === "outbound" && account.notInCrm.length > 0 && this.notInCrm.chance(0.1))
          item.cc.push(this.notInCrm.pick(account.notInCrm));
      }
      if (kind === "autoReply") {
        item.subject = `${rng.chance(0.5) ? "Automatic reply" : "Out of Office"}: ${t.subject}`;
        item.hasAttachments = false;
      } else {
        item.subject = t.replies === 0 ? t.subject : `RE: ${t.subject}`;
        t.lastFromContact = threadFromContact;
      }
    }
    if (!item.conversationIndex) item.conversationIndex = this.newThreadIndex(rng).toString("base64");
    item.preview =
      kind === "autoReply"
        ? "I am out of the office with limited access to e-mail."
        : `Synthetic ${kind} message about ${item.subject.toLowerCase()}.`;
    item.headers = mailHeaders(item, rng);
    item.mailboxes = mailboxesOf(world, item);
    return item;
  }
}

/** Every internal address on the message holds a copy (the sender's in Sent Items). */
export function mailboxesOf(world: World, item: MailItem): number[] {
  const byAddress = internalIndex(world);
  const seen = new Set<number>();
  if (item.senderUser !== null) seen.add(item.senderUser);
  for (const a of [...item.to, ...item.cc, ...item.bcc]) {
    const u = byAddress.get(a.address);
    if (u !== undefined) seen.add(u);
  }
  return [...seen];
}

const indexCache = new WeakMap<World, Map<string, number>>();
function internalIndex(world: World): Map<string, number> {
  let map = indexCache.get(world);
  if (!map) {
    map = new Map(world.users.map((u) => [u.address, u.index]));
    indexCache.set(world, map);
  }
  return map;
}
