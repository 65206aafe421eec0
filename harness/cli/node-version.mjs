/**
 * The Node.js check every entry point runs first (npm scripts and mocha load require-node.mjs
 * before the TypeScript entry point). Plain JavaScript on purpose: Node.js runs this suite's
 * TypeScript itself by stripping the types (unflagged from 22.18 and 23.6), and an older Node
 * cannot load a .ts file at all, so the check that names the fix cannot be one.
 */

/** The oldest release of each line that strips types without a flag; 24 and later all do. */
const FIRST_WITH_TYPE_STRIPPING = { 22: 18, 23: 6 };

/**
 * @param {string} [version] process.versions.node
 * @returns {string | undefined} the error and its fix, or undefined when this Node.js will do
 */
export function nodeVersionProblem(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  const firstMinor = FIRST_WITH_TYPE_STRIPPING[/** @type {22 | 23} */ (major)];
  if (major >= 24 || (firstMinor !== undefined && minor >= firstMinor)) return undefined;
  return (
    `error: Node.js ${version} is too old: this suite needs Node.js 22.18 or newer (24 LTS recommended)\n` +
    '  fix: `nvm install` in the repository (it reads .nvmrc), or install Node.js 24 LTS, then run again'
  );
}
