/** The Go cross-check's public entry: a bundle's Gateway API report held against upstream's own suite code. */
export { runCheck } from './build.ts';
