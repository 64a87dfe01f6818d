/**
 * Conformance against Microsoft's published MGDC sample rows, which are not part of the repository.
 * Runs when they are found (RELMESH_MGDC_SAMPLES, or ../shared/mgdc-samples beside the clone) and is
 * skipped, with the reason in its title, when they are not.
 */
import { EVENT_DATASET, MESSAGE_DATASET } from "../../sample";
import { readRows, tenant } from "../sample/helpers";
import { FIXTURES, microsoftSamplesDir, mismatches, readJsonLines, shapeOf } from "../fixtures/mgdc";

const samples = microsoftSamplesDir();
const suite = samples.dir ? describe : describe.skip;
if (!samples.dir) process.stderr.write(`conformance skipped: ${samples.why}\n`);

suite(`MGDC conformance with Microsoft's sample rows (${samples.why})`, () => {
  describe.each([MESSAGE_DATASET, EVENT_DATASET])("%s", (dataset) => {
    const microsoft = () => readJsonLines(samples.dir!, dataset);

    it("our fixtures carry every field of Microsoft's rows, with the same JSON type and nesting", () => {
      expect(mismatches(shapeOf(microsoft()), shapeOf(readJsonLines(FIXTURES, dataset)))).toEqual([]);
    });

    it("the sample generator's rows carry every field of Microsoft's rows too", () => {
      const { rows } = readRows(tenant({ dirty: false, messages: 3000, events: 800, days: 60 }), dataset);
      expect(mismatches(shapeOf(microsoft()), shapeOf(rows))).toEqual([]);
    });

    it("every enum value Microsoft writes is spelled microsoft.graph.<type>'<value>', as in our fixtures", () => {
      const enums = (rows: unknown[]) => {
        const out = new Set<string>();
        const walk = (v: unknown) => {
          if (typeof v === "string" && v.startsWith("microsoft.graph.")) out.add(v.replace(/'.*$/, ""));
          else if (v && typeof v === "object") Object.values(v).forEach(walk);
        };
        rows.forEach(walk);
        return out;
      };
      const ours = enums(readJsonLines(FIXTURES, dataset));
      expect([...enums(microsoft())].filter((t) => !ours.has(t))).toEqual([]);
    });
  });
});
