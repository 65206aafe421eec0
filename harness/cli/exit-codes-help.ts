/** The exit codes as `--help` prints them (README "Exit codes"). */
import { EXIT } from '../errors.ts';

export const EXIT_CODES_HELP = `
Exit codes:
  ${EXIT.ok}    every selected scenario passed
  ${EXIT.scenarioFailed}    a scenario failed: the implementation is not conformant
  ${EXIT.usage}    usage or configuration error: bad flag, bad file, missing context, unsupported version, wrong Node,
       an unusable --kind/--istioctl or WPT_CACHE_DIR, credentials refused (401) or permission denied (403)
  ${EXIT.infrastructure}    infrastructure error: cluster unreachable, silent, TLS failure or broke (5xx), install or download failed, setup timed out
  ${EXIT.interrupted}  interrupted (SIGINT, SIGTERM): what the run created was torn down; the report records the interruption

Environment: WPT_CACHE_DIR, the download cache (an absolute path; default ~/.cache/waypoint-conformance; pre-seed it for offline runs).`;
