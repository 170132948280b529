/**
 * Whatever a receiver answers must be storable in PostgreSQL, whose text and
 * jsonb refuse NUL and invalid UTF-8: a record that cannot be written would
 * otherwise make the delivery be sent again. So the raw bytes become text
 * PostgreSQL holds, and the encoding says how faithful that text is.
 */
export type ResponseBodyEncoding = 'utf8' | 'utf8-replaced' | 'base64';

/** Binary bodies are kept as a base64 excerpt of this many bytes. */
export const BINARY_EXCERPT_BYTES = 4096;
/** Stored response headers: at most this many names, and this many characters in all. */
export const MAX_STORED_HEADERS = 100;
export const MAX_STORED_HEADER_CHARS = 16 * 1024;

const REPLACEMENT = '\uFFFD';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|problem\+json)\b)/i;

/** NUL and lone surrogates are the characters PostgreSQL's text and json refuse. */
export function storableText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u0000/g, REPLACEMENT).replace(LONE_SURROGATE, REPLACEMENT);
}

/** `truncated`: the bytes were cut at the size cap, so a multi-byte character cut there is not an error. */
export function decodeResponseBody(bytes: Buffer, contentType: string | undefined, truncated = false): { text: string; encoding: ResponseBodyEncoding } {
  let text: string | null;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: truncated });
  } catch {
    text = null;
  }
  if (text !== null && !text.includes('\u0000')) return { text, encoding: 'utf8' };
  const textual = contentType === undefined || TEXTUAL.test(contentType.trim());
  if (!textual) return { text: bytes.subarray(0, BINARY_EXCERPT_BYTES).toString('base64'), encoding: 'base64' };
  const lenient = new TextDecoder('utf-8').decode(bytes, { stream: truncated });
  return { text: storableText(lenient), encoding: 'utf8-replaced' };
}

/**
 * Response headers as stored: NUL replaced, and bounded, so a receiver
 * answering 10,000 header lines costs a few KiB, not a refused record.
 */
export function storableHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const stored: Record<string, string | string[]> = {};
  let chars = 0;
  let count = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const values = (Array.isArray(value) ? value : [value]).map(storableText);
    const size = name.length + values.reduce((n, v) => n + v.length, 0);
    if (count >= MAX_STORED_HEADERS || chars + size > MAX_STORED_HEADER_CHARS) {
      stored['x-hookline-headers-truncated'] = `${Object.keys(headers).length - count} more headers not stored`;
      break;
    }
    stored[storableText(name)] = Array.isArray(value) ? values : values[0]!;
    chars += size;
    count += 1;
  }
  return stored;
}
