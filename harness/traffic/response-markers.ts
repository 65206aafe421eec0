/**
 * Markers that read one response without following it: curl runs without -L, so a redirect's
 * status and Location header are what the client got. Header names match case-insensitively
 * (Envoy writes them lower-case on HTTP/1.1); values are printable ASCII up to the line end,
 * which keeps the match on one header line in grep and in JavaScript alike.
 */
import type { Marker } from './curl.ts';

/** ERE for a header name in any letter case: "X-Set" -> "[Xx]-[Ss][Ee][Tt]". */
export function anyCase(name: string): string {
  return [...name]
    .map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
}

export function responseHeaderMarker(markerName: string, header: string): Marker {
  return { name: markerName, pattern: `${anyCase(header)}: ?[ -~]*`, in: 'headers' };
}

/** The value after "Name: " in a header marker's match; undefined when the header was absent. */
export function responseHeaderValue(match: string | undefined): string | undefined {
  if (!match) return undefined;
  return match.slice(match.indexOf(':') + 1).trim();
}

export const LOCATION_MARKER: Marker = responseHeaderMarker('location', 'location');

/** A request header as the echo backend reports it in its JSON body (names lower-cased by Node). */
export function echoedHeaderMarker(markerName: string, header: string): Marker {
  return { name: markerName, pattern: `"${header.toLowerCase()}": ?"[^"]*"`, in: 'body' };
}

/**
 * The pod that answered: the echo image's "os": {"hostname": ...} (os.hostname()). Its top-level
 * "hostname" is Express's req.hostname, the request's Host, and comes first in the reply
 * (mendhak/docker-http-https-echo index.js); the body is grepped as one line, so the pattern can
 * name the enclosing object.
 */
export const ECHO_POD_FIELD = '"os": ?[{] *"hostname": ?"';
export const ECHO_POD_MARKER: Marker = { name: 'servedby', pattern: `${ECHO_POD_FIELD}[^"]*"`, in: 'body' };

/** The path the echo backend received (its JSON "path" field). */
export const ECHOED_PATH_MARKER: Marker = { name: 'echopath', pattern: '"path": ?"[^"]*"', in: 'body' };

/** The quoted value of a `"key": "value"` match; undefined when there was none. */
export function jsonStringValue(match: string | undefined): string | undefined {
  if (!match) return undefined;
  const m = /: ?"([^"]*)"$/.exec(match);
  return m ? m[1] : undefined;
}
