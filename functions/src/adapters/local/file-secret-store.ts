import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import type { SecretStore } from "#kernel/ports.js";
import { validateSecretName, validateSecretValue } from "./secret-name.js";
import { SerialQueue } from "./serial-queue.js";
import { AppError } from "#kernel/errors.js";

const FileSchema = z.object({ version: z.literal(1), secrets: z.record(z.string(), z.unknown()) }).strict();
const EntriesSchema = z.array(z.tuple([z.string(), z.string()]));
/** A Map, so that any valid name (even "__proto__") stays an ordinary key. */
type SecretFile = Map<string, string>;

/**
 * SecretStore over one JSON file (default `.data/secrets.json`) readable by its owner only
 * (mode 0600, directory 0700). Writes replace the file atomically (temp file, then rename) and
 * run one at a time. Values never appear in errors: a corrupt file is reported by path only.
 */
export class FileSecretStore implements SecretStore {
  private readonly queue = new SerialQueue();

  constructor(private readonly file = ".data/secrets.json") {
    if (typeof file !== "string" || file.length === 0) throw new TypeError("FileSecretStore needs a file path");
  }

  async get(name: string): Promise<string | null> {
    const n = validateSecretName(name);
    const data = await this.queue.run(() => this.load());
    return data.get(n) ?? null;
  }

  async put(name: string, value: string): Promise<void> {
    const n = validateSecretName(name);
    const v = validateSecretValue(value);
    await this.queue.run(async () => {
      const data = await this.load();
      data.set(n, v);
      await this.save(data);
    });
  }

  async delete(name: string): Promise<void> {
    const n = validateSecretName(name);
    await this.queue.run(async () => {
      const data = await this.load();
      if (!data.delete(n)) return;
      await this.save(data);
    });
  }

  private async load(): Promise<SecretFile> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Map();
      throw new AppError("unavailable", `cannot read secret file ${this.file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // JSON.parse's message quotes the text, which would leak secret material.
      throw new AppError("failed-precondition", `secret file ${this.file} is not valid JSON`);
    }
    // Entries are read from the parsed object itself: JSON.parse keeps "__proto__" as an own key,
    // while copying into a new object (as a record schema does) would drop it.
    const shape = FileSchema.safeParse(parsed);
    const entries = shape.success ? EntriesSchema.safeParse(Object.entries((parsed as { secrets: object }).secrets)) : null;
    if (!entries?.success) throw new AppError("failed-precondition", `secret file ${this.file} does not have the {version: 1, secrets: {...}} shape`);
    return new Map(entries.data);
  }

  private async save(data: SecretFile): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ version: 1, secrets: Object.fromEntries(data) }, null, 2)}\n`, {
      mode: 0o600,
    });
    await chmod(tmp, 0o600); // writeFile's mode is filtered by the umask
    await rename(tmp, this.file);
  }
}
