/**
 * A STAND-IN for the gRPC side of Istio's echo app (Gateway API's echo-advanced), test equipment:
 * a real gRPC server (grpc-js, the gRPC project's Node implementation) serving
 * proto.EchoTestService/Echo from echo.proto, answering like the app does
 * (istio/istio pkg/test/echo/server/endpoint/grpc.go: Field=value lines, Hostname last). Because a
 * real gRPC implementation parses the request, a malformed frame or missing header from the suite's
 * curl call fails here as it would against the real app. Methods it does not serve get grpc-js's
 * own UNIMPLEMENTED (12); a call with metadata x-wpt-fail is answered UNAVAILABLE (14).
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO = path.join(path.dirname(fileURLToPath(import.meta.url)), 'echo.proto');

interface EchoService {
  proto: { EchoTestService: grpc.ServiceClientConstructor };
}

type EchoCall = grpc.ServerUnaryCall<{ message: string }, { message: string }>;

export interface GrpcStandin {
  port: number;
  /** The messages of the Echo calls served so far. */
  received: string[];
  close(): Promise<void>;
}

export async function startGrpcStandin(hostname: string): Promise<GrpcStandin> {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO)) as unknown as EchoService;
  const server = new grpc.Server();
  const received: string[] = [];
  server.addService(pkg.proto.EchoTestService.service, {
    Echo: (call: EchoCall, done: grpc.sendUnaryData<{ message: string }>) => {
      received.push(call.request.message);
      if (call.metadata.get('x-wpt-fail').length > 0) return done({ code: grpc.status.UNAVAILABLE, details: 'asked to fail' });
      done(null, { message: `StatusCode=200\nServiceVersion=v1\nProtocol=GRPC\nEcho=${call.request.message}\nHostname=${hostname}\n` });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
