/** The real control plane's public entry (scripts/controlplane.ts): the command, up, down, status. */
export { HELP, main } from './command.ts';
