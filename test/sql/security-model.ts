/**
 * A small model of one SQL Server database's security catalog, and an interpreter for the T-SQL
 * subset the ERP grant and revoke scripts use (IF [NOT] EXISTS (SELECT 1 FROM sys.… WHERE …),
 * BEGIN/END, ELSE, EXEC (N'…'), PRINT, CREATE USER/SCHEMA, GRANT/REVOKE SELECT ON SCHEMA::, DROP USER).
 * The guards are evaluated against the catalog rows with SQL's three-valued logic, so a script is
 * graded by what its conditions select, not by its text. No SQL Server runs here (none can be
 * installed on this machine); the semantics modelled are those of the Microsoft docs:
 * - sys.database_permissions: class 0 database, 3 schema; state G grant, W grant with grant option,
 *   D deny (https://learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-database-permissions-transact-sql);
 * - sys.database_principals: type E external user from Entra, S SQL user, R role
 *   (https://learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-database-principals-transact-sql);
 * - REVOKE removes a GRANT or a DENY, and needs CASCADE for a permission granted WITH GRANT OPTION;
 *   DROP USER fails while the user owns a schema or objects or has granted permissions
 *   (https://learn.microsoft.com/sql/t-sql/statements/drop-user-transact-sql).
 * Assumed, not read in a doc: CREATE USER gives the new user CONNECT on the database (sys.database_permissions shows it).
 */
import { code, type Token } from "./tsql-check";

export interface Permission {
  class: number;
  major_id: number;
  grantee_principal_id: number;
  grantor_principal_id: number;
  permission_name: string;
  state: "G" | "W" | "D";
}
export interface SecurityDb {
  principals: Array<{ principal_id: number; name: string; type: string }>;
  permissions: Permission[];
  roleMembers: Array<{ role_principal_id: number; member_principal_id: number }>;
  schemas: Array<{ schema_id: number; name: string; principal_id: number }>;
  objects: Array<{ name: string; schema_id: number; principal_id: number | null }>;
  prints: string[];
  /** Statements that changed the catalog, in order (e.g. "REVOKE SELECT sales ws"). */
  changes: string[];
}

export const DBO = 1;
export const DB_DATAREADER = 16390;

/** A database with dbo, public and db_datareader, and the given schemas (owned by dbo). */
export function securityDb(schemas: string[] = []): SecurityDb {
  return {
    principals: [
      { principal_id: 0, name: "public", type: "R" },
      { principal_id: DBO, name: "dbo", type: "S" },
      { principal_id: DB_DATAREADER, name: "db_datareader", type: "R" },
    ],
    permissions: [],
    roleMembers: [],
    schemas: schemas.map((name, i) => ({ schema_id: 5 + i, name, principal_id: DBO })),
    objects: [],
    prints: [],
    changes: [],
  };
}

export const principalId = (db: SecurityDb, name: string) => db.principals.find((p) => p.name === name)?.principal_id;
export const schemaId = (db: SecurityDb, name: string) => db.schemas.find((s) => s.name === name)?.schema_id;

/** Adds a principal the way CREATE USER would (with CONNECT), or a role. */
export function addPrincipal(db: SecurityDb, name: string, type: string): number {
  const id = Math.max(...db.principals.map((p) => p.principal_id).filter((n) => n < DB_DATAREADER)) + 1;
  db.principals.push({ principal_id: id, name, type });
  if (type !== "R")
    db.permissions.push({
      class: 0,
      major_id: 0,
      grantee_principal_id: id,
      grantor_principal_id: DBO,
      permission_name: "CONNECT",
      state: "G",
    });
  return id;
}

class SqlError extends Error {}

type Value = string | number | null;
type Row = Record<string, Value>;

const VIEWS: Record<string, (db: SecurityDb) => Row[]> = {
  database_principals: (db) => db.principals,
  database_permissions: (db) => db.permissions as unknown as Row[],
  database_role_members: (db) => db.roleMembers,
  schemas: (db) => db.schemas,
  objects: (db) => db.objects,
};

/** Runs one batch against the model. Throws the error SQL Server would raise. */
export function runBatch(db: SecurityDb, batch: string): void {
  new Interpreter(db, code(batch)).statements(() => false);
}

class Interpreter {
  private i = 0;
  constructor(
    private readonly db: SecurityDb,
    private readonly t: Token[],
  ) {}

  private peek(k = 0): Token | undefined {
    return this.t[this.i + k];
  }
  private isWord(word: string, k = 0): boolean {
    const tok = this.peek(k);
    return tok !== undefined && tok.kind === "word" && tok.text.toUpperCase() === word;
  }
  private take(text?: string): Token {
    const tok = this.t[this.i];
    if (!tok) throw new Error(`model: unexpected end, wanted ${text ?? "a token"}`);
    if (text !== undefined && tok.text.toUpperCase() !== text) throw new Error(`model: wanted ${text}, got ${tok.text}`);
    this.i += 1;
    return tok;
  }

  statements(stop: () => boolean): void {
    while (this.i < this.t.length && !stop()) this.statement(true);
  }

  /** One statement and its optional `;` (T-SQL allows it before ELSE); with `run` false it is parsed and skipped. */
  private statement(run: boolean): void {
    this.statementBody(run);
    if (this.peek()?.text === ";") this.i += 1;
  }

  private statementBody(run: boolean): void {
    if (this.peek()?.text === ";") {
      this.i += 1;
      return;
    }
    if (this.isWord("IF")) {
      this.take("IF");
      const cond = this.orExpr(run) === true;
      this.statement(run && cond);
      if (this.isWord("ELSE")) {
        this.take("ELSE");
        this.statement(run && !cond);
      }
      return;
    }
    if (this.isWord("BEGIN")) {
      this.take("BEGIN");
      while (!this.isWord("END")) this.statement(run);
      this.take("END");
      return;
    }
    if (this.isWord("EXEC")) {
      this.take("EXEC");
      this.take("(");
      const payload = this.take().value;
      this.take(")");
      if (run) runBatch(this.db, payload);
      return;
    }
    if (this.isWord("PRINT")) {
      this.take("PRINT");
      const text = this.take().value;
      if (run) this.db.prints.push(text);
      return;
    }
    const words: Token[] = [];
    while (this.i < this.t.length && this.peek()!.text !== ";" && !this.isWord("ELSE") && !this.isWord("END")) words.push(this.take());
    if (words.length === 0) throw new Error(`model: no statement at token ${this.i} (${this.peek()?.text ?? "end"})`);
    if (run) this.ddl(words);
  }

  private ddl(t: Token[]): void {
    const db = this.db;
    const head = t
      .slice(0, 2)
      .map((x) => x.text.toUpperCase())
      .join(" ");
    const user = (name: string) => {
      const p = db.principals.find((x) => x.name === name && x.type !== "R");
      if (!p) throw new SqlError(`Cannot find the user '${name}', because it does not exist or you do not have permission.`);
      return p.principal_id;
    };
    const schema = (name: string) => {
      const id = schemaId(db, name);
      if (id === undefined)
        throw new SqlError(`Cannot find the schema '${name}', because it does not exist or you do not have permission.`);
      return id;
    };
    if (head === "CREATE USER") {
      if (principalId(db, t[2].value) !== undefined)
        throw new SqlError(`There is already an object named '${t[2].value}' in the database.`);
      addPrincipal(db, t[2].value, "E");
    } else if (head === "CREATE SCHEMA") {
      db.schemas.push({ schema_id: 5 + db.schemas.length, name: t[2].value, principal_id: DBO });
    } else if (head === "GRANT SELECT" || head === "REVOKE SELECT") {
      // GRANT SELECT ON SCHEMA :: [s] TO [u]  /  REVOKE SELECT ON SCHEMA :: [s] FROM [u]
      const [s, u] = [schema(t[5].value), user(t[7].value)];
      const mine = (p: Permission) => p.class === 3 && p.major_id === s && p.grantee_principal_id === u && p.permission_name === "SELECT";
      if (head === "GRANT SELECT") {
        if (!db.permissions.some((p) => mine(p) && p.state !== "D"))
          db.permissions.push({
            class: 3,
            major_id: s,
            grantee_principal_id: u,
            grantor_principal_id: DBO,
            permission_name: "SELECT",
            state: "G",
          });
      } else {
        if (db.permissions.some((p) => mine(p) && p.state === "W"))
          throw new SqlError("To revoke or deny grantable privileges, specify the CASCADE option.");
        db.permissions = db.permissions.filter((p) => !mine(p));
      }
    } else if (head === "DROP USER") {
      const name = t[2].value;
      const p = db.principals.find((x) => x.name === name && x.type !== "R");
      if (!p) throw new SqlError(`Cannot drop the user '${name}', because it does not exist or you do not have permission.`);
      const id = p.principal_id;
      if (db.schemas.some((s) => s.principal_id === id))
        throw new SqlError("The database principal owns a schema in the database, and cannot be dropped.");
      if (db.objects.some((o) => o.principal_id === id))
        throw new SqlError("The database principal owns objects in the database and cannot be dropped.");
      if (db.permissions.some((x) => x.grantor_principal_id === id))
        throw new SqlError("The database principal has granted or denied permissions to objects in the database and cannot be dropped.");
      db.principals = db.principals.filter((x) => x !== p);
      db.permissions = db.permissions.filter((x) => x.grantee_principal_id !== id);
      db.roleMembers = db.roleMembers.filter((m) => m.member_principal_id !== id);
    } else throw new Error(`model: does not know ${t.map((x) => x.text).join(" ")}`);
    db.changes.push(t.map((x) => (x.kind === "ident" ? x.value : x.text.toUpperCase())).join(" "));
  }

  // ---- conditions: three-valued logic (true, false, null = unknown) ----

  private orExpr(run: boolean, row?: Row): boolean | null {
    let v = this.andExpr(run, row);
    while (this.isWord("OR")) {
      this.take("OR");
      const r = this.andExpr(run, row);
      v = v === true || r === true ? true : v === null || r === null ? null : false;
    }
    return v;
  }
  private andExpr(run: boolean, row?: Row): boolean | null {
    let v = this.notExpr(run, row);
    while (this.isWord("AND")) {
      this.take("AND");
      const r = this.notExpr(run, row);
      v = v === false || r === false ? false : v === null || r === null ? null : true;
    }
    return v;
  }
  private notExpr(run: boolean, row?: Row): boolean | null {
    if (this.isWord("NOT")) {
      this.take("NOT");
      const v = this.notExpr(run, row);
      return v === null ? null : !v;
    }
    if (this.isWord("EXISTS")) {
      this.take("EXISTS");
      this.take("(");
      const found = this.select(run);
      this.take(")");
      return found;
    }
    if (this.peek()?.text === "(") {
      this.take("(");
      const v = this.orExpr(run, row);
      this.take(")");
      return v;
    }
    const left = this.operand(row);
    if (this.isWord("IS")) {
      this.take("IS");
      const not = this.isWord("NOT") ? (this.take(), true) : false;
      this.take("NULL");
      return (left === null) !== not;
    }
    const op = this.take().text;
    const right = this.operand(row);
    if (left === null || right === null) return null;
    if (op === "=") return left === right;
    if (op === "<>") return left !== right;
    throw new Error(`model: operator ${op}`);
  }
  /** `SELECT 1 FROM sys.view [AS a] [WHERE …]`: whether a row matches (the WHERE is re-read per row). */
  private select(run: boolean): boolean {
    this.take("SELECT");
    this.take("1");
    this.take("FROM");
    this.take("SYS");
    this.take(".");
    const view = this.take().text.toLowerCase();
    if (this.isWord("AS")) this.i += 2;
    const rows = VIEWS[view]?.(this.db);
    if (!rows) throw new Error(`model: no view sys.${view}`);
    if (!this.isWord("WHERE")) return rows.length > 0;
    this.take("WHERE");
    const start = this.i;
    let found = false;
    for (const row of rows) {
      this.i = start;
      if (this.orExpr(run, row) === true) found = true;
    }
    if (rows.length === 0) this.orExpr(false, {});
    return run && found;
  }
  private operand(row?: Row): Value {
    const tok = this.take();
    if (tok.kind === "string") return tok.value;
    if (tok.kind === "number") return Number(tok.text);
    const fn = tok.text.toUpperCase();
    if (this.peek()?.text === "(" && (fn === "DATABASE_PRINCIPAL_ID" || fn === "SCHEMA_ID")) {
      this.take("(");
      const name = this.take().value;
      this.take(")");
      return (fn === "SCHEMA_ID" ? schemaId(this.db, name) : principalId(this.db, name)) ?? null;
    }
    if (row === undefined) throw new Error(`model: column ${tok.text} outside a SELECT`);
    if (!(tok.text in row) && Object.keys(row).length > 0) throw new Error(`model: no column ${tok.text}`);
    return row[tok.text] ?? null;
  }
}
