/**
 * First-run behaviour: nothing is scheduled before MGDC consent can exist, history comes from one
 * initial load instead of a months-long tumbling backfill, and the daily trigger starts after it.
 *
 * The sequence (README, "Deploying to Azure"): deploy → register the app with MGDC and have a
 * Global Admin approve it → the owners of a customer's ERP server or service-case account approve
 * the managed private endpoints the stack requested there → set relmesh:mgdcApprovedFingerprint and
 * relmesh:pipelineStartDate → `pulumi up` runs the initial load once and starts the daily trigger.
 *
 * Precedence, earliest step first: MGDC approval missing, then MGDC approval invalidated, then an
 * endpoint its owner has not approved, then no start date. Each holds the trigger and the load.
 */
import type { RelmeshConfig } from "../config/stack";
import type { ApprovalStatus } from "./mgdc-consent";
import type { ManagedPrivateEndpointSpec, ManagedPrivateEndpointStatus } from "./publish/private-endpoints";

export type FirstRunStatus =
  "waiting-for-approval" | "approval-changed" | "waiting-for-endpoint-approval" | "waiting-for-start-date" | "scheduled";

/** A managed private endpoint the stack requests but does not approve (`approve: false`), as last recorded. */
export interface OwnerApprovedEndpoint {
  name: string;
  /** The target: the customer's SQL server or Cosmos DB account. */
  privateLinkResourceId: string;
  /**
   * The connection's state as the workspace mirrors it from the target (Pending, Approved, Rejected,
   * Disconnected), or NotFound when the managed private endpoint is gone from the workspace.
   */
  state: string;
}

export interface InitialLoad {
  /** Inclusive start of the history window (`YYYY-MM-DD`). */
  windowStart: string;
  /** Exclusive end: the first daily window (`YYYY-MM-DD`). */
  windowEnd: string;
}

export interface FirstRunPlan {
  status: FirstRunStatus;
  /** Whether the daily trigger is started (it is always published stopped first). */
  triggerStarted: boolean;
  /** The one-off run over history, once the schedule may start and history is wanted. */
  initialLoad?: InitialLoad;
  /** Past daily windows the trigger will run at once when started (each a separate MGDC run). */
  backfillWindows: number;
  /** While waiting for endpoint approval: each endpoint its owner has not approved, with its state. */
  endpointsAwaitingApproval?: OwnerApprovedEndpoint[];
  message: string;
}

/**
 * The endpoints whose owners approve them, with their recorded state. Pure. An endpoint with no
 * recorded status (before the first apply, in a preview, under `relmesh plan`'s mocks) counts as
 * Pending: that is how a new request starts on the target.
 */
export function ownerApprovedEndpoints(
  specs: ManagedPrivateEndpointSpec[],
  status: ManagedPrivateEndpointStatus[] | undefined,
): OwnerApprovedEndpoint[] {
  return specs
    .filter((s) => !s.approve)
    .map((s) => {
      const st = (status ?? []).find((x) => x.name.toLowerCase() === s.name.toLowerCase());
      const state = st?.provisioningState === "NotFound" ? "NotFound" : (st?.connectionState ?? "Pending");
      return { name: s.name, privateLinkResourceId: s.privateLinkResourceId, state };
    });
}

/**
 * What the owner of each unapproved endpoint does, and what the stack does next. Pure.
 *
 * The owner approves in the Azure portal (the resource's private endpoint connections, under its
 * networking settings; the blade's exact path per service is not confirmed here) or with the Azure CLI: `az network private-endpoint-connection list --id <target>` names the
 * connection, `az network private-endpoint-connection approve --id <target>/privateEndpointConnections/<name>`
 * approves it (https://learn.microsoft.com/cli/azure/network/private-endpoint-connection; the
 * list/approve pair by id as in https://learn.microsoft.com/azure/batch/manage-private-endpoint-connections).
 * Synapse names the private endpoint behind a managed one `<workspace>.<mpe>` (private-endpoints.ts,
 * findConnection), which is how the owner tells ours from others.
 *
 * A Rejected or Disconnected connection is someone's decision on the target: the stack never asks
 * again by itself. Deleting the managed private endpoint in the workspace makes the next
 * `pulumi up` create it again (the provider's apply sees it missing), which is a new Pending request.
 */
function endpointSteps(workspace: string, endpoints: OwnerApprovedEndpoint[]): string {
  return endpoints
    .map((e) => {
      const target = e.privateLinkResourceId;
      const again =
        `agree with its owner, delete the managed private endpoint ${e.name} in the workspace (Synapse Studio → Manage → Managed private endpoints, ` +
        `or Remove-AzSynapseManagedPrivateEndpoint -WorkspaceName ${workspace} -Name ${e.name}); the next pulumi up requests a new connection for the owner to approve.`;
      switch (e.state) {
        case "Rejected":
          return `${e.name} → ${target}: REJECTED by the owner; the stack does not ask again by itself: ${again}`;
        case "Disconnected":
          return `${e.name} → ${target}: DISCONNECTED (the owner removed the connection); ${again}`;
        case "NotFound":
          return `${e.name} → ${target}: the managed private endpoint is missing from the workspace; the next pulumi up creates it again as a new request for the owner to approve.`;
        default:
          return (
            `${e.name} → ${target}: ${e.state}; its owner approves the connection from private endpoint ${workspace}.${e.name} ` +
            `in the Azure portal (the resource's networking settings, its private endpoint connections: Approve) or with ` +
            `az network private-endpoint-connection list --id ${target} (to find its name), then ` +
            `az network private-endpoint-connection approve --id ${target}/privateEndpointConnections/<name> --description "Relationship Mesh copies".`
          );
      }
    })
    .join(" ");
}

const DAY_MS = 86_400_000;
const addDays = (isoDay: string, days: number) => new Date(Date.parse(`${isoDay}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * Decides what the first run does, from the config, the MGDC approval status of what is deployed
 * (undefined when MGDC is off: there is no consent to wait for) and the endpoints whose owners
 * approve them (ownerApprovedEndpoints; none without a customer's source behind a managed VNet). Pure.
 */
export function firstRunPlan(
  config: RelmeshConfig,
  approval: ApprovalStatus | undefined,
  now: Date,
  ownerEndpoints: OwnerApprovedEndpoint[] = [],
): FirstRunPlan {
  const file = `Pulumi.${config.stack}.yaml`;
  if (approval === "not-approved") {
    return {
      status: "waiting-for-approval",
      triggerStarted: false,
      backfillWindows: 0,
      message: `WAITING FOR MGDC APPROVAL: the daily trigger stays stopped and no history is loaded; follow mgdcConsentChecklist, then set relmesh:mgdcApprovedFingerprint in ${file}.`,
    };
  }
  if (approval === "changed") {
    return {
      status: "approval-changed",
      triggerStarted: false,
      backfillWindows: 0,
      message: `MGDC APPROVAL INVALIDATED: this deployment changed approved values, so the daily trigger is stopped until a Global Admin approves again (mgdcConsentChecklist).`,
    };
  }
  // The copies of a customer's ERP or service cases reach the source only through these endpoints
  // (exfiltration protection, SEC-20): a run before the owner approves fails on the copy.
  const awaiting = ownerEndpoints.filter((e) => e.state !== "Approved");
  if (awaiting.length > 0) {
    return {
      status: "waiting-for-endpoint-approval",
      triggerStarted: false,
      backfillWindows: 0,
      endpointsAwaitingApproval: awaiting,
      message:
        `WAITING FOR PRIVATE ENDPOINT APPROVAL: the daily trigger stays stopped and no history is loaded until the owner of each source approves the managed private endpoint the stack requested (the stack has no rights there). ` +
        `${endpointSteps(config.names.synapseWorkspace, awaiting)} ` +
        `Each pulumi up reads the approvals back from the workspace (no write on the target); the first one after the last approval goes on (relmesh:pipelineStartDate, then the schedule).`,
    };
  }
  if (config.pipelineStartDate === undefined) {
    return {
      status: "waiting-for-start-date",
      triggerStarted: false,
      backfillWindows: 0,
      message: `WAITING FOR A START DATE: set relmesh:pipelineStartDate in ${file} to the first day the daily schedule should run (normally tomorrow); the next pulumi up loads ${config.initialLoadDays} days of history before it once, then starts the trigger.`,
    };
  }
  const today = now.toISOString().slice(0, 10);
  const start = config.pipelineStartDate;
  const backfillWindows = Math.max(0, Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS));
  const initialLoad = config.initialLoadDays > 0 ? { windowStart: addDays(start, -config.initialLoadDays), windowEnd: start } : undefined;
  const history = initialLoad ? `initial load ${initialLoad.windowStart} to ${initialLoad.windowEnd} in one run, then ` : "";
  const backfill =
    backfillWindows > 0
      ? ` The start date is ${backfillWindows} day(s) ago: the trigger runs those windows one by one (each an MGDC run with its fixed overhead); a later start date with a longer initial load is cheaper.`
      : "";
  return {
    status: "scheduled",
    triggerStarted: true,
    ...(initialLoad ? { initialLoad } : {}),
    backfillWindows,
    message: `SCHEDULED: ${history}one window per day from ${start}.${backfill}`,
  };
}
