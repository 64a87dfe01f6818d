/**
 * A configuration problem found before anything runs or is created. The message names the key,
 * what was received and the fix, e.g.
 * "relmesh:retentionDays must be 1..3650, got 0: set relmesh:retentionDays in Pulumi.dev.yaml".
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
