import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { AppError } from "#kernel/errors.js";

/**
 * The Firestore emulator's documents kept between runs in a folder of the data folder: exported
 * through the emulator's export endpoint before it stops (the `--export-on-exit` flag of the gcloud
 * launcher exported nothing on this machine, whatever the signal), and loaded with `--import-data`
 * when it starts again. The folder holds one export: a new one replaces the old only once written.
 */

/** The `…overall_export_metadata` file of the export kept in `dir`, if there is one. */
export async function latestSnapshot(dir: string): Promise<string | undefined> {
  const found = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const meta = found.filter((f) => f.endsWith(".overall_export_metadata")).sort();
  const last = meta[meta.length - 1];
  return last ? join(dir, last) : undefined;
}

/**
 * Exports every document of `projectId` from the emulator at `host` into `dir`, then removes the
 * export it replaces.
 *
 * @example
 *   await saveSnapshot(emu.host, "demo-test", ".data/emulators/firestore");
 *   const importFrom = await latestSnapshot(".data/emulators/firestore");
 */
export async function saveSnapshot(host: string, projectId: string, dir: string): Promise<void> {
  const target = join(dir, `export-${Date.now()}`);
  await mkdir(target, { recursive: true });
  let res: Response;
  try {
    res = await fetch(`http://${host}/emulator/v1/projects/${encodeURIComponent(projectId)}:export`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ database: `projects/${projectId}/databases/(default)`, export_directory: target }),
    });
  } catch (err) {
    await rm(target, { recursive: true, force: true });
    throw new AppError("unavailable", "the Firestore emulator did not answer the export", { cause: err, retryable: true });
  }
  if (!res.ok) {
    await rm(target, { recursive: true, force: true });
    throw new AppError("unavailable", `the Firestore emulator refused the export (${res.status}): ${(await res.text()).slice(0, 300)}`);
  }
  for (const entry of await readdir(dir)) {
    if (join(dir, entry) !== target) await rm(join(dir, entry), { recursive: true, force: true });
  }
}
