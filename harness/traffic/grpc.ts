/**
 * A unary gRPC call made with curl, the only client the client pods have: gRPC over HTTP/2 is a
 * POST to /<package>.<Service>/<Method> with content-type application/grpc and te: trailers, a body
 * of length-prefixed messages (1-byte compressed flag, 4-byte big-endian length, the protobuf), and
 * the outcome in the grpc-status trailer, or in the headers of a trailers-only response
 * (grpc/grpc doc/PROTOCOL-HTTP2.md). Status 0 is OK, anything else a failure (doc/statuscodes.md).
 *
 * The request is Istio's echo app's Echo call (istio/istio pkg/test/echo/proto/echo.proto:
 * package proto, service EchoTestService, rpc Echo(EchoRequest) returns (EchoResponse), both with
 * `string message = 1`). The app answers with text lines `Field=value`, Hostname last
 * (pkg/test/echo/server/endpoint/grpc.go, fields.go); Gateway API's mesh tests read the hostname
 * the same way (conformance/utils/echo/parse.go, v1.6.0).
 */

export const ECHO_GRPC_METHOD = '/proto.EchoTestService/Echo';

/** The EchoRequest message the suite sends; the app echoes it back as `Echo=<message>`. */
export const GRPC_MESSAGE = 'wpt';

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

/** One uncompressed gRPC message whose protobuf is field 1 (wire type 2, a string) = message. */
export function grpcFrame(message: string): Buffer {
  const text = Buffer.from(message, 'utf8');
  const proto = Buffer.from([0x0a, ...varint(text.length), ...text]);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(proto.length, 1);
  return Buffer.concat([head, proto]);
}

/** The bytes as a printf format of octal escapes only: NUL cannot pass through argv, and no byte needs quoting. */
export function printfOctal(bytes: Buffer): string {
  return [...bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/** The inverse of printfOctal, for readers of the script (the model's curl emulator). */
export function fromPrintfOctal(format: string): Buffer {
  if (!/^(\\[0-7]{3})*$/.test(format)) throw new Error(`not a printf format of octal escapes: ${JSON.stringify(format)}`);
  return Buffer.from((format.match(/[0-7]{3}/g) ?? []).map((o) => parseInt(o, 8)));
}

/**
 * The response body as the batch script leaves it for grep: every byte that is not printable ASCII,
 * tab or newline becomes a newline, so the binary frame header and protobuf tags cannot hide a
 * line from grep (GNU grep prints no match from a file it takes as binary). A printable length
 * byte can still precede the first field; the hostname field follows a newline.
 */
export const TEXT_BYTES = '\\011\\012\\040-\\176';

export function asText(body: Buffer): string {
  return [...body].map((b) => (b === 9 || b === 10 || (b >= 32 && b <= 126) ? String.fromCharCode(b) : '\n')).join('');
}
