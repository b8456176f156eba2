import { generate } from "selfsigned";

let certificate: Promise<{ key: string; cert: string }> | undefined;

/**
 * One self-signed TLS certificate for 127.0.0.1, made once per test process and shared by every
 * replay server that must speak HTTPS (the Azure SDKs refuse a bearer token over plain HTTP).
 */
export function selfSigned(): Promise<{ key: string; cert: string }> {
  certificate ??= generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  }).then((p) => ({ key: p.private, cert: p.cert }));
  return certificate;
}
