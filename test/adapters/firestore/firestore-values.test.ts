import { GeoPoint, Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import { fromFirestoreData, toFirestoreData } from "#adapters/firestore/firestore-values.js";

describe("Firestore values: plain JSON both ways", () => {
  it("copies caller data through JSON: Dates become ISO strings, undefined vanishes, the copy is detached", () => {
    // Prepare
    const list = [1, 2];
    const data = { at: new Date("2026-11-23T00:00:00.000Z"), gone: undefined, list, nested: { none: null } };
    // Act
    const stored = toFirestoreData(data);
    list.push(3);
    // Assess
    expect(stored).toEqual({ at: "2026-11-23T00:00:00.000Z", list: [1, 2], nested: { none: null } });
    expect(Object.hasOwn(stored, "gone")).toBe(false);
  });

  it.each<[string, unknown]>([
    ["an array directly inside an array", { points: [[1, 2]] }],
    ["an array beside maps inside an array", { rows: [{ ok: [1] }, [2]] }],
    ["an empty field name", { "": 1 }],
    ["an empty nested field name", { m: { "": 1 } }],
    ["a reserved field name", { __name__: "x" }],
    ["nesting deeper than 20 levels", JSON.parse(`${'{"v":'.repeat(22)}1${"}".repeat(22)}`)],
    ["an array instead of an object", [1]],
    ["null", null],
  ])("refuses %s with invalid-argument before it is sent", (_label, data) => {
    expect(() => toFirestoreData(data)).toThrow(expect.objectContaining({ code: "invalid-argument" }));
  });

  it("accepts nesting of exactly 20 levels below a field, as Firestore does", () => {
    const deep = JSON.parse(`${'{"v":'.repeat(21)}1${"}".repeat(21)}`);
    expect(toFirestoreData(deep)).toEqual(deep);
  });

  it("turns what only Firestore has into JSON, at any depth", () => {
    // Prepare: the values firebase-admin hands back for Firestore-only types.
    const raw = {
      at: Timestamp.fromMillis(Date.parse("2026-11-23T10:00:00.123Z")),
      place: new GeoPoint(48.85, 2.35),
      bytes: Buffer.from("hi"),
      list: [Timestamp.fromMillis(0), { deep: Timestamp.fromMillis(1000) }],
      plain: { n: 1, s: "x", b: true, z: null },
    };
    // Act
    const json = fromFirestoreData(raw);
    // Assess
    expect(json).toEqual({
      at: "2026-11-23T10:00:00.123Z",
      place: { latitude: 48.85, longitude: 2.35 },
      bytes: "aGk=",
      list: ["1970-01-01T00:00:00.000Z", { deep: "1970-01-01T00:00:01.000Z" }],
      plain: { n: 1, s: "x", b: true, z: null },
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
