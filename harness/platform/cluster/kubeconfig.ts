/**
 * The kubeconfig of a run: the user's (checked before anything else: present, not empty, has the
 * context), or kind's, written to a private temp file that teardown removes (it holds credentials).
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../../errors.ts';
import { readUserFile } from '../../files/read.ts';
import { KubeContextError, loadKubeConfig } from '../../cluster/kubeconfig.ts';
import type { Teardown } from '../../undo.ts';

export interface LoadedKubeconfig {
  kc: KubeConfig;
  /** A single file istioctl can be given. */
  file: string;
}

const FIX =
  'pass --kubeconfig FILE (and --context NAME) naming a cluster you can reach: `kubectl --kubeconfig FILE --context NAME get nodes` should work';

/** The files the kubeconfig is read from: --kubeconfig, else $KUBECONFIG's list, else ~/.kube/config. */
export function kubeconfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  if (explicit) return [explicit];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).filter(Boolean);
  return [path.join(home, '.kube', 'config')];
}

function checkFile(file: string, origin: string): void {
  if (!existsSync(file)) throw new UserError(`the kubeconfig ${file} (${origin}) does not exist`, FIX);
  if (statSync(file).isDirectory()) throw new UserError(`the kubeconfig ${file} (${origin}) is a directory, not a file`, FIX);
  let text: string;
  try {
    // A FIFO or a device would hang the loader or never end: only a regular file of sane size is read.
    text = readUserFile(file, 16 * 1024 * 1024).toString('utf8');
  } catch (err) {
    throw new UserError(`the kubeconfig ${file} (${origin}) cannot be read: ${(err as Error).message}`, FIX);
  }
  if (text.trim() === '') throw new UserError(`the kubeconfig ${file} (${origin}) is empty`, FIX);
}

/** Loads the user's kubeconfig for --cluster existing; every problem is a UserError naming the file. */
export function loadUserKubeconfig(
  explicit: string | undefined,
  context: string | undefined,
  teardown: Teardown,
  env = process.env,
  home = os.homedir(),
): LoadedKubeconfig {
  const files = kubeconfigFiles(explicit, env, home);
  const origin = explicit ? '--kubeconfig' : env.KUBECONFIG ? '$KUBECONFIG' : 'the default, as neither --kubeconfig nor $KUBECONFIG is set';
  const present = files.filter((f) => existsSync(f));
  for (const f of explicit || present.length === 0 ? files : present) checkFile(f, origin);
  let kc: KubeConfig;
  try {
    kc = loadKubeConfig(present.length === 1 ? present[0] : undefined, context);
  } catch (err) {
    if (err instanceof KubeContextError) throw new UserError(err.message, FIX);
    throw new UserError(`cannot read the kubeconfig ${present.join(', ')}: ${(err as Error).message}`, FIX);
  }
  const names = kc.getContexts().map((c) => c.name);
  if (names.length === 0) throw new UserError(`the kubeconfig ${present.join(', ')} (${origin}) has no contexts`, FIX);
  if (!kc.getCurrentContext() || !names.includes(kc.getCurrentContext())) {
    throw new UserError(
      `the kubeconfig ${present.join(', ')} sets no current context (it has: ${names.join(', ')})`,
      'pass --context with one of those',
    );
  }
  if (!kc.getCurrentCluster())
    throw new UserError(`context ${kc.getCurrentContext()} of ${present.join(', ')} names a cluster the file does not have`, FIX);
  const file = present.length === 1 ? present[0] : writePrivateKubeconfig(kc.exportConfig(), teardown);
  return { kc, file };
}

/** Writes a kubeconfig only the user can read, and registers its removal before anything else can fail. */
export function writePrivateKubeconfig(content: string, teardown: Teardown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wpt-kc-'));
  teardown.add('remove the temporary kubeconfig', async () => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'kubeconfig');
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}
