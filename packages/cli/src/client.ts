import { gzipSync } from 'node:zlib';

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

/** An answer that is not what the command needed: printed, then the command exits non-zero. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
  }
}

/** Bodies above this are sent gzip-compressed: GitHub's 13 MB definition becomes about 1 MB. */
const GZIP_ABOVE_BYTES = 256 * 1024;

export class HooklineClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async request<T>(method: string, path: string, body?: { text: string; type: string }): Promise<{ status: number; location: string | null; body: T }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, accept: 'application/json' };
    let payload: Buffer | undefined;
    if (body) {
      headers['content-type'] = body.type;
      payload = Buffer.from(body.text, 'utf8');
      if (payload.length > GZIP_ABOVE_BYTES) {
        payload = gzipSync(payload);
        headers['content-encoding'] = 'gzip';
      }
    }
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), { method, headers, body: payload });
    } catch (error) {
      throw new ApiError({ status: 0, detail: `cannot reach ${this.baseUrl}: ${(error as Error).cause ?? (error as Error).message}` });
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's error page): reported as it is.
    }
    if (response.status >= 400) {
      const problem = typeof parsed === 'object' && parsed !== null ? (parsed as Problem) : { status: response.status, detail: String(parsed).slice(0, 500) };
      throw new ApiError({ ...problem, status: response.status });
    }
    return { status: response.status, location: response.headers.get('location'), body: parsed as T };
  }
}
