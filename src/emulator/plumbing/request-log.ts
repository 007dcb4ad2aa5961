export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  merchant_id: string | null;
  /** The Square-Version it asked for (the SDK's when it named none); null when the emulator refused the one it named. */
  square_version: string | null;
  at: string;
}

/** The Square API calls received since the last clear, capped so that memory stays flat. */
export class RequestLog {
  private entries: LoggedRequest[] = [];

  constructor(private readonly capacity = 10_000) {}

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(): readonly LoggedRequest[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}
