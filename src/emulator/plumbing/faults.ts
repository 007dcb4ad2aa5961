import { z } from 'zod';
import { SquareApiError } from './errors.js';
import { parse } from './validation.js';

export const faultSchema = z.object({
  /** HTTP method to match; any when absent. */
  method: z.string().toUpperCase().optional(),
  /** Path pattern: `*` matches within one segment, `**` across segments, e.g. `/v2/customers/*`. */
  path: z.string().min(1),
  /** Answer with this status and a Square error body instead of handling the call. */
  status: z.number().int().min(400).max(599).optional(),
  code: z.string().optional(),
  category: z.string().optional(),
  detail: z.string().optional(),
  retry_after_seconds: z.number().int().min(0).optional(),
  /** Added delay before the call is handled. */
  latency_ms: z.number().int().min(0).max(60_000).optional(),
  /** How many matching calls the fault applies to; unlimited when absent. */
  count: z.number().int().min(1).optional(),
  /** Chance (0–1) that a matching call is affected. */
  probability: z.number().min(0).max(1).optional(),
  /** Apply the write, then drop the connection or answer 500: the client never sees the result. */
  after_commit: z.enum(['drop', '500']).optional(),
  /** Only this merchant's calls. */
  merchant_id: z.string().optional(),
});

export type FaultSpec = z.output<typeof faultSchema>;
export interface Fault extends FaultSpec {
  id: number;
  hits: number;
}

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}

/** Injected failures and latency, matched by method and path on Square API calls. */
export class FaultTable {
  private faults: Array<Fault & { regex: RegExp }> = [];
  private nextId = 1;

  add(input: unknown): Fault {
    const spec = parse(faultSchema, input);
    const fault = { ...spec, id: this.nextId++, hits: 0 };
    this.faults.push({ ...fault, regex: patternToRegExp(spec.path) });
    return fault;
  }

  list(): Fault[] {
    return this.faults.map(({ regex: _regex, ...fault }) => fault);
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault that applies to this call, consuming one of its uses; a fault's chance is drawn here. */
  take(method: string, path: string, merchantId: string | undefined, phase: 'before' | 'after_commit'): Fault | undefined {
    for (const fault of this.faults) {
      if ((phase === 'after_commit') !== (fault.after_commit !== undefined)) continue;
      if (phase === 'before' && fault.status === undefined && fault.latency_ms === undefined) continue;
      if (fault.method && fault.method !== method) continue;
      if (fault.merchant_id && fault.merchant_id !== merchantId) continue;
      if (!fault.regex.test(path)) continue;
      if (fault.probability !== undefined && Math.random() >= fault.probability) continue;
      fault.hits++;
      if (fault.count !== undefined && --fault.count === 0) this.faults = this.faults.filter((f) => f !== fault);
      return fault;
    }
    return undefined;
  }
}

/** The Square error a fault answers with: its status's usual category and code unless it names its own. */
export function faultError(status: number, code?: string, category?: string, detail?: string, retryAfter?: number) {
  const byStatus: Record<number, [string, string]> = {
    429: ['RATE_LIMIT_ERROR', 'RATE_LIMITED'],
    503: ['API_ERROR', 'SERVICE_UNAVAILABLE'],
    504: ['API_ERROR', 'GATEWAY_TIMEOUT'],
    401: ['AUTHENTICATION_ERROR', 'UNAUTHORIZED'],
    403: ['AUTHENTICATION_ERROR', 'FORBIDDEN'],
    404: ['INVALID_REQUEST_ERROR', 'NOT_FOUND'],
  };
  const [defaultCategory, defaultCode] =
    byStatus[status] ?? (status >= 500 ? ['API_ERROR', 'INTERNAL_SERVER_ERROR'] : ['INVALID_REQUEST_ERROR', 'BAD_REQUEST']);
  return new SquareApiError(
    status,
    [{ category: (category ?? defaultCategory) as never, code: (code ?? defaultCode) as never, detail: detail ?? 'Injected fault.' }],
    retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter },
  );
}
