/**
 * The Microsoft Graph Data Connect datasets and the exact columns Relationship Mesh extracts.
 *
 * One list, read by the consent checklist (what the Global Admin approves), the Synapse artifact
 * generator (the copy activity's `outputColumns`) and the ingestion notebooks. Facts about the
 * source, so in config/: every later stage may import them. Only the columns
 * scoring needs: never message bodies (`body`, `uniqueBody`, `bodyPreview`), `attachments` or
 * `internetMessageHeaders`. Changing anything here changes the approval fingerprint: the admin
 * must approve again (docs/platform-facts.md §1.2).
 *
 * Column names are the camelCase names of the MGDC schemas (docs/platform-facts.md §2.2, §2.3). MGDC selects whole
 * columns: a struct such as `location` comes with all its fields, so ingestion keeps only the
 * parts it needs.
 */

export interface MgdcColumn {
  /** Column name as in the MGDC schema. */
  name: string;
  /** Why scoring needs it (shown to reviewers and in the consent checklist). */
  purpose: string;
  /** False for columns scoring can do without (kept for a better signal). */
  required: boolean;
}

export interface MgdcDataset {
  /** MGDC table name, the `tableName` of the Office365Table dataset. */
  name: string;
  /**
   * `dateFilterColumn` of the copy source. Message_v1 requires one; CalendarView_v0 takes only
   * `startTime`/`endTime` and no filter column (docs/platform-facts.md §2.5).
   */
  dateFilterColumn?: string;
  columns: readonly MgdcColumn[];
}

const c = (name: string, purpose: string, required = true): MgdcColumn => ({ name, purpose, required });

export const MESSAGE_DATASET = "BasicDataSet_v0.Message_v1";
export const CALENDAR_DATASET = "BasicDataSet_v0.CalendarView_v0";

/** The datasets, in extraction order. */
export const MGDC_DATASETS: readonly MgdcDataset[] = [
  {
    name: MESSAGE_DATASET,
    dateFilterColumn: "SentDateTime",
    columns: [
      c("puser", "mailbox the copy came from (one copy per mailbox)"),
      c("id", "source id of the copy"),
      c("internetMessageId", "deduplicates the copies of one e-mail across mailboxes"),
      c("conversationId", "threads a reply to the mail it answers (response times)", false),
      c("subject", "auto-reply exclusion; stored only when relmesh:keepSubjects is true"),
      c("sender", "direction: who sent it"),
      c("from", "direction when sent on behalf of someone"),
      c("toRecipients", "the external contacts reached"),
      c("ccRecipients", "the external contacts reached"),
      c("bccRecipients", "the external contacts reached (sender's copy only)"),
      c("sentDateTime", "when the interaction happened"),
      c("receivedDateTime", "inbound mail time"),
      c("createdDateTime", "fallback timestamp"),
      c("isDraft", "drafts are not interactions"),
    ],
  },
  {
    name: CALENDAR_DATASET,
    columns: [
      c("puser", "mailbox the copy came from"),
      c("id", "source id of the copy"),
      c("iCalUId", "deduplicates one meeting across attendees' calendars"),
      c("subject", "stored only when relmesh:keepSubjects is true"),
      c("organizer", "direction: who invited whom"),
      c("attendees", "the external contacts met, and their responses"),
      c("start", "when, and the duration"),
      c("end", "the duration"),
      c("isAllDay", "all-day events are excluded"),
      c("isCancelled", "cancelled meetings are excluded"),
      c("isOnlineMeeting", "modality (in person or online)"),
      c("onlineMeetingProvider", "modality"),
      c("location", "modality hint; only the display name is used (MGDC returns the whole struct)"),
      c("isOrganizer", "picks the organizer's copy, which carries every attendee's response"),
      c("lastModifiedDateTime", "picks the newest copy of a meeting when the organizer's is missing"),
    ],
  },
];

/** Columns that must never be extracted (message content). A test keeps the lists above clean. */
export const MGDC_FORBIDDEN_COLUMNS: readonly string[] = ["body", "uniqueBody", "bodyPreview", "attachments", "internetMessageHeaders"];

/** Dataset name → column names, in order. */
export const MGDC_DATASET_COLUMNS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  MGDC_DATASETS.map((d) => [d.name, d.columns.map((col) => col.name)]),
);
