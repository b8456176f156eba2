import { Firestore } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import { FirestoreDocumentStore } from "#adapters/firestore/firestore-document-store.js";

describe("FirestoreDocumentStore options", () => {
  it.each<[string, () => FirestoreDocumentStore]>([
    ["an empty project id", () => new FirestoreDocumentStore({ projectId: "" })],
    ["an emulator host without a port", () => new FirestoreDocumentStore({ projectId: "p", emulatorHost: "localhost" })],
    ["an unknown option", () => new FirestoreDocumentStore({ projectId: "p", region: "eu" } as never)],
    ["zero transaction attempts", () => new FirestoreDocumentStore({ projectId: "p" }, { maxTransactionAttempts: 0 })],
  ])("refuses %s with invalid-argument naming the option", (_label, build) => {
    expect(build).toThrow(expect.objectContaining({ code: "invalid-argument", message: expect.stringMatching(/^FirestoreDocumentStore options: /) }));
  });

  it("builds its own client lazily (nothing connects until the first call) and takes a given one as is", async () => {
    const own = new FirestoreDocumentStore({ projectId: "demo-unit", databaseId: "reports", emulatorHost: "127.0.0.1:9" });
    const client = new Firestore({ projectId: "demo-unit", host: "127.0.0.1:9", ssl: false });
    const given = new FirestoreDocumentStore(client);

    expect(own.firestore.databaseId).toBe("reports");
    expect(given.firestore).toBe(client);
    await own.close();
    await given.close();
    await client.terminate();
  });
});
