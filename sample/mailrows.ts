/** Turns one logical e-mail into the Message_v1 rows MGDC extracts: one copy per internal mailbox. */
import { Rng } from "./rng";
import { Address, World } from "./model";
import { utcStamp } from "./time";

export type MailKind = "internal" | "outbound" | "inbound" | "reply" | "unknown" | "autoReply" | "mass";

export interface MailItem {
  kind: MailKind;
  internetMessageId: string;
  conversationId: string;
  conversationIndex: string;
  subject: string;
  preview: string;
  sender: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  sentAt: number;
  importance: "low" | "normal" | "high";
  hasAttachments: boolean;
  /** User index of the sender when internal: only the sender's copy shows the Bcc line. */
  senderUser: number | null;
  /** Internal users holding a copy (sender first when internal). */
  mailboxes: number[];
  headers: { name: string; value: string }[];
}

export interface RowCopy {
  user: number;
  /** Sort key inside a file: MGDC returns each mailbox's rows together. */
  at: number;
  row: Record<string, unknown>;
}

const enumOf = (type: string, value: string) => `microsoft.graph.${type}'${value}'`;
const recipients = (list: Address[]) => list.map((a) => ({ emailAddress: { name: a.name, address: a.address } }));

/** The system columns MGDC adds to every row; datarow/userrow are filled in when files are laid out. */
export function systemColumns(odataType: string, puser: string, tenantId: string): Record<string, unknown> {
  return {
    ODataType: odataType,
    puser,
    ptenant: tenantId,
    pAdditionalInfo: null,
    datarow: 0,
    userrow: 0,
    pagerow: 0,
    rowinformation: { errorInformation: null, userReturnedNoData: false, isUserSummaryRow: false, userHasCompleteData: true },
  };
}

function rfc2822(ms: number): string {
  const [wd, d, mon, y, time] = new Date(ms).toUTCString().split(" ");
  return `${wd} ${Number(d)} ${mon} ${y} ${time} +0000`;
}

export function mailCopies(world: World, item: MailItem, rng: Rng): RowCopy[] {
  const out: RowCopy[] = [];
  const html = `<html><body><p>${item.preview}</p></body></html>`;
  for (const userIndex of item.mailboxes) {
    const user = world.users[userIndex];
    const isSenderCopy = userIndex === item.senderUser;
    const received = isSenderCopy ? item.sentAt : item.sentAt + 1000 * rng.int(1, 6);
    const isRead = isSenderCopy || rng.chance(0.8);
    const id = `AAMkAD${rng.base64(105)}`;
    const row: Record<string, unknown> = {
      id,
      createdDateTime: utcStamp(isSenderCopy ? item.sentAt - 1000 * rng.int(5, 600) : received),
      lastModifiedDateTime: utcStamp(received + (isRead ? 1000 * rng.int(1, 3600) : 1000)),
      changeKey: rng.base64(21),
      categories: rng.chance(0.03) ? ["Blue Category"] : [],
      receivedDateTime: utcStamp(received),
      sentDateTime: utcStamp(item.sentAt),
      hasAttachments: item.hasAttachments,
      internetMessageId: item.internetMessageId,
      subject: item.subject,
      bodyPreview: item.preview,
      importance: item.importance,
      parentFolderId: isSenderCopy ? user.sentFolderId : user.inboxFolderId,
      conversationId: item.conversationId,
      conversationIndex: item.conversationIndex,
      isDeliveryReceiptRequested: null,
      isReadReceiptRequested: false,
      isRead,
      isDraft: false,
      webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
      inferenceClassification: item.kind === "unknown" || item.kind === "mass" ? "other" : "focused",
      internetMessageHeaders: isSenderCopy ? [] : item.headers,
      body: { contentType: enumOf("bodyType", "html"), content: html },
      sender: { emailAddress: { name: item.sender.name, address: item.sender.address } },
      from: { emailAddress: { name: item.sender.name, address: item.sender.address } },
      toRecipients: recipients(item.to),
      ccRecipients: recipients(item.cc),
      // Exchange shows the Bcc line only in the sender's own copy.
      bccRecipients: isSenderCopy ? recipients(item.bcc) : [],
      replyTo: [],
      uniqueBody: { contentType: enumOf("bodyType", "html"), content: html },
      flag: { flagStatus: enumOf("followupFlagStatus", rng.chance(0.03) ? "flagged" : "notFlagged") },
      attachments: item.hasAttachments
        ? [
            {
              id: `AAMkAD${rng.base64(60)}`,
              lastModifiedDateTime: utcStamp(item.sentAt),
              name: "proposal.pdf",
              contentType: "application/pdf",
              size: 1024 * rng.int(20, 900),
              isInline: false,
              contentId: rng.hex(32),
              contentLocation: null,
              contentBytes: "JVBERi0xLjQK",
              ODataType: "#microsoft.graph.fileAttachment",
            },
          ]
        : [],
      ...systemColumns("#microsoft.graph.message", user.objectId, world.tenantId),
    };
    out.push({ user: userIndex, at: received, row });
  }
  return out;
}

/** Headers a recipient's copy carries; auto-replies are marked the way RFC 3834 says. */
export function mailHeaders(item: Pick<MailItem, "internetMessageId" | "sentAt" | "kind">, rng: Rng): { name: string; value: string }[] {
  const host = `${rng.pick(["BN6PR19MB", "DM6PR12MB", "SA0PR20MB", "AM0PR07MB"])}${rng.int(1000, 9999)}`;
  const headers = [
    { name: "Received", value: `from ${host}.prod.outlook.com by ${host}.outlook.office365.com with HTTPS; ${rfc2822(item.sentAt)}` },
    { name: "Message-ID", value: item.internetMessageId },
    { name: "Content-Type", value: 'text/html; charset="utf-8"' },
    { name: "MIME-Version", value: "1.0" },
  ];
  if (item.kind === "autoReply")
    headers.push({ name: "Auto-Submitted", value: "auto-replied" }, { name: "X-Auto-Response-Suppress", value: "All" });
  if (item.kind === "unknown" || item.kind === "mass") headers.push({ name: "Precedence", value: "bulk" });
  return headers;
}
