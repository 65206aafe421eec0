/**
 * Helpers for tests of npm run e2e as a real process (issue 15 "first contact": each defect a new user
 * met, as a test that failed before its fix), on loopback only.
 */
import { expect } from 'chai';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { UserError } from '../../harness/errors.ts';
import { tempDirs } from './tmp.ts';

export const tmp = tempDirs('wpt-fc-');

export function kubeconfig(server: string): string {
  const file = path.join(tmp(), 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: x',
      'clusters: [{name: c, cluster: {server: "' + server + '", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
    ].join('\n'),
  );
  return file;
}

export function e2e(args: string[], env: NodeJS.ProcessEnv = {}) {
  return execa('node', ['scripts/e2e.ts', ...args], { reject: false, env, timeout: 90_000 });
}

export const STACK = /^\s+at .+\(.+:\d+:\d+\)$/m;

export function userError(fn: () => unknown, re: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e, (e as Error).stack).to.be.instanceOf(UserError);
    expect((e as Error).message).to.match(re);
    return;
  }
  expect.fail(`accepted: expected ${re}`);
}
