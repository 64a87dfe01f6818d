/** One T-SQL script of the serving layer, split into batches (tedious sends one batch at a time; `GO` is not T-SQL). */
export interface SqlScript {
  /** Execution order is the array order; the name is also the file name in `synth` output (e.g. "01-database.sql"). */
  name: string;
  /** "master" for CREATE DATABASE, otherwise the serverless database name. */
  database: string;
  batches: string[];
}
