/** The real control plane's public entry: up, down, status (scripts/controlplane.ts). */
export { HELP, main } from './command.ts';
export { down, stateDir, status, up } from './controlplane.ts';
export { parseNamespace, parseRevision, parseTrustDomain } from './mesh-options.ts';
