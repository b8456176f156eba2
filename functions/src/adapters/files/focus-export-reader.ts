import type { FocusExportReader } from "#domain/billing/providers/focus/export-source.js";
import { importFocusFiles } from "./import-focus-file.js";
import { resolveUnitFiles } from "./import-unit-files.js";

/**
 * The folder reader of FOCUS export accounts: the folder's data files (resolveUnitFiles, the
 * same resolution as `costmon import --file DIR`) imported as one unit (importFocusFiles).
 *
 * @example
 *   const source = new FocusExportSource({ reader: focusFolderReader });
 */
export const focusFolderReader: FocusExportReader = {
  async readFolder(folder, opts) {
    const unit = await resolveUnitFiles([folder]);
    const result = await importFocusFiles(unit.files, opts);
    return { ...result, files: unit.files };
  },
};
