/** Past this many characters waiting, the batch is written at once rather than at the next turn. */
export const MAX_PENDING_CHARS = 64 * 1024;

/**
 * Lines for one stream, written together: at the event loop's next turn (`setImmediate`), at
 * once past MAX_PENDING_CHARS, or on `flush()`. A busy server logs a line per request, and a
 * write(2) per line was most of what the request log cost (issue #17); batched, a turn's
 * lines cost one. After `stopBatching()` every line is written as it comes: at shutdown and
 * exit there may be no next turn.
 */
export class LineBatch {
  private pending = '';
  private flushScheduled = false;
  private batching = true;

  constructor(private readonly write: (chunk: string) => void) {}

  add(line: string): void {
    if (!this.batching) {
      this.write(`${line}\n`);
      return;
    }
    this.pending += `${line}\n`;
    if (this.pending.length >= MAX_PENDING_CHARS) {
      this.flush();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushAtNextTurn);
    }
  }

  /** Writes what waits, now. */
  flush(): void {
    if (this.pending === '') {
      return;
    }
    const chunk = this.pending;
    this.pending = '';
    this.write(chunk);
  }

  stopBatching(): void {
    this.batching = false;
    this.flush();
  }

  private readonly flushAtNextTurn = (): void => {
    this.flushScheduled = false;
    this.flush();
  };
}
