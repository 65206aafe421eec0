/** Imported first by every script: exits 2 with the fix on a Node.js that is too old. */
import { nodeVersionProblem } from './node-version.ts';

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(2);
}
