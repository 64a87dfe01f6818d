import { canonicalJson } from "../../config/json";
import { contentHash } from "../../stacks/publish/hash";
import { describeOperation, planPublish, publishedState } from "../../stacks/publish/planner";
import { dataset, fullSet, linkedService, notebook, pipeline, trigger } from "./fixtures";

const ops = (o: ReturnType<typeof planPublish>) => o.map(describeOperation);

test("the content hash ignores key order and equals for Date and ISO string", () => {
  expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  expect(contentHash({ t: new Date("2026-01-01T00:00:00Z"), x: 1 })).toBe(contentHash({ x: 1, t: "2026-01-01T00:00:00.000Z" }));
});

test("a first publish creates everything in dependency order and starts the trigger last", () => {
  expect(ops(planPublish(fullSet(), []))).toEqual([
    "create linkedService ls_lake",
    "create dataset ds_raw",
    "create notebook nb_ingest",
    "create pipeline pl_daily",
    "create trigger tr_daily",
    "start trigger tr_daily",
  ]);
});

test("nothing is touched when nothing changed", () => {
  expect(planPublish(fullSet(), publishedState(fullSet()))).toEqual([]);
});

test("only the changed artifact is updated", () => {
  const desired = [linkedService(), dataset(), notebook("nb_ingest", "print('v2')"), pipeline(), trigger()];
  expect(ops(planPublish(desired, publishedState(fullSet())))).toEqual(["update notebook nb_ingest"]);
});

test("artifacts the code no longer has are deleted in reverse order, triggers first, after the puts", () => {
  const before = [...fullSet(), dataset("ds_old"), trigger("tr_old"), pipeline("pl_old", { notebook: "nb_ingest" })];
  const desired = [linkedService(), dataset(), notebook(), pipeline("pl_daily", { retry: 3 }), trigger()];
  expect(ops(planPublish(desired, publishedState(before)))).toEqual([
    "stop trigger tr_old",
    "update pipeline pl_daily",
    "delete trigger tr_old",
    "delete pipeline pl_old",
    "delete dataset ds_old",
  ]);
});

test("a changed trigger is stopped before its update and started after", () => {
  const desired = [linkedService(), dataset(), notebook(), pipeline(), trigger("tr_daily", "pl_daily", 12)];
  expect(ops(planPublish(desired, publishedState(fullSet())))).toEqual([
    "stop trigger tr_daily",
    "update trigger tr_daily",
    "start trigger tr_daily",
  ]);
});

test("a trigger whose pipeline changed but which did not change itself keeps running", () => {
  const desired = [linkedService(), dataset(), notebook(), pipeline("pl_daily", { retry: 5 }), trigger()];
  expect(ops(planPublish(desired, publishedState(fullSet())))).toEqual(["update pipeline pl_daily"]);
});

test("a rename creates the new artifact before deleting the old one", () => {
  const desired = [linkedService(), dataset(), notebook(), pipeline(), trigger("tr_hourly")];
  expect(ops(planPublish(desired, publishedState(fullSet())))).toEqual([
    "stop trigger tr_daily",
    "create trigger tr_hourly",
    "delete trigger tr_daily",
    "start trigger tr_hourly",
  ]);
});

test("two artifacts of one kind with the same name are refused", () => {
  expect(() => planPublish([dataset(), dataset()], [])).toThrow(
    "planPublish: two dataset artifacts are named 'ds_raw'; names must be unique per kind",
  );
});

describe("the schedule: triggers held stopped before consent, and one-off runs (stacks/first-run.ts)", () => {
  const load = {
    key: "initial-load 2026-09-01..2026-11-30",
    pipeline: "pl_daily",
    parameters: { windowStart: "2026-09-01", windowEnd: "2026-11-30" },
  };

  test("a first publish with triggers held stopped creates the trigger and does not start it", () => {
    const plan = ops(planPublish(fullSet(), [], { triggersStarted: false }));
    expect(plan.at(-1)).toBe("create trigger tr_daily");
    expect(plan.filter((o) => o.startsWith("start"))).toEqual([]);
    expect(publishedState(fullSet(), { triggersStarted: false }).find((a) => a.kind === "trigger")).toMatchObject({ started: false });
  });

  test("a started trigger is stopped when the schedule is held (e.g. the approval was invalidated), and nothing else is touched", () => {
    expect(ops(planPublish(fullSet(), publishedState(fullSet()), { triggersStarted: false }))).toEqual(["stop trigger tr_daily"]);
  });

  test("once consent exists the initial load is queued before the held trigger starts, and only once", () => {
    const held = publishedState(fullSet(), { triggersStarted: false });
    expect(ops(planPublish(fullSet(), held, { triggersStarted: true, runs: [load] }))).toEqual([
      "run pipeline pl_daily once (initial-load 2026-09-01..2026-11-30)",
      "start trigger tr_daily",
    ]);
    const after = publishedState(fullSet(), { triggersStarted: true });
    expect(planPublish(fullSet(), after, { triggersStarted: true, runs: [load] }, [load.key])).toEqual([]);
  });

  test("a run comes after the puts it needs and carries its parameters", () => {
    const plan = planPublish(fullSet(), [], { runs: [load] });
    expect(ops(plan).slice(-2)).toEqual(["run pipeline pl_daily once (initial-load 2026-09-01..2026-11-30)", "start trigger tr_daily"]);
    expect(plan.find((o) => o.op === "runPipeline")).toMatchObject({
      name: "pl_daily",
      parameters: { windowStart: "2026-09-01", windowEnd: "2026-11-30" },
    });
  });

  test("state from before the schedule existed counts its triggers as started (they always ended started)", () => {
    const legacy = publishedState(fullSet()).map(({ started: _started, ...rest }) => rest);
    expect(planPublish(fullSet(), legacy)).toEqual([]);
    expect(ops(planPublish(fullSet(), legacy, { triggersStarted: false }))).toEqual(["stop trigger tr_daily"]);
  });
});
