/** A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI in a temp dir. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCert {
  key: string;
  cert: string;
}

export function makeSelfSignedCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), "relmesh-tls-"));
  try {
    // EC P-256: fast to generate; the SAN must name the IP, or Node's hostname check refuses it.
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
      ],
      { stdio: "pipe", timeout: 15000 },
    );
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A TokenCredential that needs no Azure: the bearer policy only needs some token over https. */
export const fakeCredential = {
  getToken: async (scopes: string | string[]) => ({
    token: `fake-token-for-${[scopes].flat().join(",")}`,
    expiresOnTimestamp: Date.now() + 3600e3,
  }),
};
