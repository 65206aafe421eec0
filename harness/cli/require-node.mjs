/** Loaded with --import before every entry point (and by mocha): exits 2 with the fix on a Node.js that is too old. */
import { nodeVersionProblem } from './node-version.mjs';

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(2);
}
