/** Turns one meeting into CalendarView_v0 rows: one copy per internal calendar it sits in. */
import { Rng } from "./rng";
import { Address, World } from "./model";
import { graphDateTime, localDateTime, utcStamp } from "./time";
import { RowCopy, systemColumns } from "./mailrows";

export type Response = "accepted" | "tentativelyAccepted" | "declined" | "none" | "notResponded";
export type EventKind = "internal" | "customer" | "large" | "allDay" | "personal" | "exec";

export interface Attendee {
  who: Address;
  /** User index when internal. */
  user: number | null;
  type: "required" | "optional";
  response: Response;
  respondedAt: number | null;
}

export interface EventItem {
  kind: EventKind;
  iCalUId: string;
  subject: string;
  start: number;
  end: number;
  isAllDay: boolean;
  isCancelled: boolean;
  isOnline: boolean;
  location: string;
  organizer: Address;
  organizerUser: number | null;
  attendees: Attendee[];
  type: "singleInstance" | "occurrence" | "exception";
  seriesMasterId: string | null;
  /** "UTC", or the Windows zone whose wall-clock time start/end are written in. */
  timeZone: string;
  originalTimeZone: string;
  createdAt: number;
  showAs: "busy" | "tentative" | "free" | "oof";
}

const enumOf = (type: string, value: string) => `microsoft.graph.${type}'${value}'`;
const NEVER = "0001-01-01T00:00:00Z";

function when(ms: number, zone: string): { dateTime: string; timeZone: string } {
  return { dateTime: zone === "UTC" ? graphDateTime(ms) : localDateTime(ms, zone), timeZone: zone };
}

function locationOf(name: string) {
  return name
    ? {
        displayName: name,
        locationType: enumOf("locationType", "default"),
        uniqueId: name,
        uniqueIdType: enumOf("locationUniqueIdType", "private"),
        address: {},
        coordinates: {},
      }
    : {
        displayName: "",
        locationType: enumOf("locationType", "default"),
        uniqueIdType: enumOf("locationUniqueIdType", "unknown"),
        address: {},
        coordinates: {},
      };
}

/** Users holding a copy: the organizer (when internal) and every internal attendee. */
export function calendarsOf(item: EventItem): number[] {
  const seen = new Set<number>();
  if (item.organizerUser !== null) seen.add(item.organizerUser);
  for (const a of item.attendees) if (a.user !== null) seen.add(a.user);
  return [...seen];
}

export function eventCopies(world: World, item: EventItem, rng: Rng): RowCopy[] {
  const joinUrl = item.isOnline
    ? `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${rng.base64(42).replace(/[+/=]/g, "x")}%40thread.v2/0`
    : null;
  const attendees = item.attendees.map((a) => ({
    type: enumOf("attendeeType", a.type),
    status: { response: enumOf("responseType", a.response), time: a.respondedAt === null ? NEVER : utcStamp(a.respondedAt) },
    emailAddress: { name: a.who.name, address: a.who.address },
  }));
  const location = locationOf(item.location);
  const preview = item.isOnline ? "Microsoft Teams meeting. Join on your computer or mobile app." : `Synthetic ${item.kind} meeting.`;
  const out: RowCopy[] = [];
  for (const userIndex of calendarsOf(item)) {
    const user = world.users[userIndex];
    const isOrganizer = userIndex === item.organizerUser;
    const mine = item.attendees.find((a) => a.user === userIndex);
    const id = `AAMkAD${rng.base64(105)}`;
    const row: Record<string, unknown> = {
      id,
      createdDateTime: utcStamp(item.createdAt),
      lastModifiedDateTime: utcStamp(item.createdAt + 1000 * rng.int(60, 86_400)),
      changeKey: rng.base64(24),
      // Categories are per mailbox: each attendee colours their own copy.
      categories: rng.chance(0.08) ? [rng.pick(["Blue Category", "Red Category", "Green Category"])] : [],
      transactionId: null,
      originalStartTimeZone: item.originalTimeZone,
      originalEndTimeZone: item.originalTimeZone,
      iCalUId: item.iCalUId,
      reminderMinutesBeforeStart: item.isAllDay ? 1080 : 15,
      isReminderOn: !item.isAllDay,
      hasAttachments: false,
      subject: item.subject,
      bodyPreview: preview,
      importance: "normal",
      sensitivity: "normal",
      originalStart: item.type === "singleInstance" ? null : utcStamp(item.start),
      isAllDay: item.isAllDay,
      isCancelled: item.isCancelled,
      isOrganizer,
      responseRequested: true,
      seriesMasterId: item.seriesMasterId,
      showAs: mine?.response === "tentativelyAccepted" ? "tentative" : mine?.response === "declined" ? "free" : item.showAs,
      type: item.type,
      webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
      onlineMeetingUrl: null,
      isOnlineMeeting: item.isOnline,
      onlineMeetingProvider: item.isOnline ? "teamsForBusiness" : "unknown",
      allowNewTimeProposals: true,
      responseStatus: isOrganizer
        ? { response: enumOf("responseType", "organizer"), time: NEVER }
        : { response: enumOf("responseType", mine?.response ?? "none"), time: mine?.respondedAt ? utcStamp(mine.respondedAt) : NEVER },
      body: { contentType: enumOf("bodyType", "html"), content: `<html><body><p>${preview}</p></body></html>` },
      start: when(item.start, item.timeZone),
      end: when(item.end, item.timeZone),
      location,
      locations: item.location ? [location] : [],
      recurrence: null,
      attendees,
      organizer: { emailAddress: { name: item.organizer.name, address: item.organizer.address } },
      onlineMeeting: joinUrl ? { joinUrl } : null,
      attachments: [],
      ...systemColumns("#microsoft.graph.event", user.objectId, world.tenantId),
    };
    out.push({ user: userIndex, at: item.start, row });
  }
  return out;
}
