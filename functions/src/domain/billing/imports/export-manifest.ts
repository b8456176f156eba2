import { z } from "zod";

/**
 * The manifests that AWS Data Exports and Azure Cost Management exports deliver beside the data
 * files of one run: the list of files that make up one import unit.
 *
 * - AWS Data Exports `Manifest.json` (docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html):
 *   `dataFiles` is the list of full S3 URIs of the data files, `s3://<bucket>/<path>/<export>-<part>.<ext>`;
 *   `executionId`, `exportArn` and `columns` sit beside it.
 * - Azure Cost Management export `manifest.json` (learn.microsoft.com, "Understand and work with
 *   exports"; read the same way by the FinOps hub pipelines of microsoft/finops-toolkit):
 *   `blobs[].blobName` is each data file's path in the storage container, with `byteCount` and
 *   `dataRowCount` beside it.
 *
 * Only the file lists are read; every other field may be present or not.
 */

/** Bounds: a month of a large bill is a few hundred parts; a path is at most a few hundred characters. */
export const MAX_MANIFEST_FILES = 10_000;
const FilePath = z.string().min(1).max(2048);

const AwsManifest = z.object({ dataFiles: z.array(FilePath).min(1).max(MAX_MANIFEST_FILES) }).loose();
const AzureManifest = z
  .object({ blobs: z.array(z.object({ blobName: FilePath, dataRowCount: z.number().int().nonnegative().optional() }).loose()).max(MAX_MANIFEST_FILES) })
  .loose();

export interface ManifestFiles {
  kind: "aws-data-exports" | "azure-export";
  /** The data files as the manifest names them: S3 URIs (AWS) or container paths (Azure). */
  files: string[];
  /** Rows the manifest announces, when it says (Azure's dataRowCount); null otherwise. */
  announcedRows: number | null;
}

/**
 * The data files a parsed manifest lists, or null when `json` is no manifest of either kind.
 *
 * @example
 * manifestFiles({ dataFiles: ["s3://b/p/focus/data/BILLING_PERIOD=2024-09/focus-00001.csv.gz"] });
 * // { kind: "aws-data-exports", files: ["s3://b/p/focus/data/BILLING_PERIOD=2024-09/focus-00001.csv.gz"], announcedRows: null }
 */
export function manifestFiles(json: unknown): ManifestFiles | null {
  const aws = AwsManifest.safeParse(json);
  if (aws.success) return { kind: "aws-data-exports", files: aws.data.dataFiles, announcedRows: null };
  const azure = AzureManifest.safeParse(json);
  if (azure.success) {
    const counts = azure.data.blobs.map((b) => b.dataRowCount);
    const announcedRows = counts.every((c) => c !== undefined) ? counts.reduce<number>((s, c) => s + (c ?? 0), 0) : null;
    return { kind: "azure-export", files: azure.data.blobs.map((b) => b.blobName), announcedRows };
  }
  return null;
}

/**
 * The path segments of a listed file, without scheme and bucket: `s3://bucket/a/b.csv` gives
 * ["a", "b.csv"], `a/b.csv` gives ["a", "b.csv"]. A `..` segment is refused, so that a manifest
 * cannot point outside the folder it is resolved in.
 */
export function manifestPathSegments(listed: string): string[] {
  const withoutScheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\//i.test(listed) ? listed.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*\//i, "") : listed;
  const segments = withoutScheme.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.some((s) => s === "..")) throw new RangeError(`manifest entry ${JSON.stringify(listed.slice(0, 200))} climbs out of its folder (..)`);
  return segments;
}
