import { closeDuckDb, type DuckDbHandle } from "./duckdb-open.js";
import { queueForFile, type SerialQueue } from "./serial-queue.js";

/**
 * What the local DuckDB adapters share: one open database, operations run one at a time through
 * the file's SerialQueue, and two ways to close.
 */
export abstract class DuckDbStore {
  private readonly queue: SerialQueue;
  private closed = false;

  protected constructor(
    protected readonly db: DuckDbHandle,
    private readonly name: string,
  ) {
    this.queue = queueForFile(db.file);
  }

  /** Closes after the work already queued. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.run(async () => closeDuckDb(this.db));
  }

  /**
   * Closes at once, without waiting for queued work: for process shutdown (SIGTERM), where only
   * synchronous work is sure to run. Closing checkpoints the WAL into the file, so the next cold
   * start opens the file without replaying it.
   */
  closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    closeDuckDb(this.db);
  }

  protected exec<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`${this.name} is closed`));
    return this.queue.run(task);
  }
}
