/**
 * Logical (Pulumi) names of the resources reviewers look up: the exceptions list and the tests refer
 * to resources by these names. Renaming one replaces the resource unless an alias is added.
 */
export const LOGICAL = {
  resourceGroup: "resource-group",
  lake: "lake",
  landing: "mgdc-landing",
  landingContainer: "mgdc-landing-container",
  keyVault: "key-vault",
  mgdcApp: "mgdc-app",
  mgdcSecretValue: "mgdc-client-secret",
  mgdcSecretInVault: "mgdc-client-secret-kv",
  synapse: "synapse",
  sparkPool: "synapse-spark",
  dedicatedPool: "synapse-dedicated-pool",
  logAnalytics: "log-analytics",
  budget: "budget",
  erpServer: "erp-sql-server",
  erpDatabase: "erp-database",
  erpGrants: "erp-sql-grants",
  casesAccount: "cases-cosmos",
  casesReader: "cases-cosmos-reader",
} as const;
