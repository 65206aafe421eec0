/**
 * The Node.js check every entry point runs first, before any other module is evaluated: on an older
 * Node, dependencies (undici) fail at load time with a stack trace that names nothing useful.
 * No imports here, on purpose.
 */
export const MIN_NODE_MAJOR = 22;

export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const major = Number(version.split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return (
    `error: Node.js ${version} is too old: this suite needs Node.js ${MIN_NODE_MAJOR} or newer (24 LTS recommended)\n` +
    '  fix: `nvm install` in the repository (it reads .nvmrc), or install Node.js 24 LTS, then run again'
  );
}
