/**
 * npm run report:gateway-api -- BUNDLE [--out DIR] [--check]
 * Lays a bundle's Gateway API ConformanceReport out as kubernetes-sigs/gateway-api's conformance/reports/
 * asks (DIR/conformance/reports/v1.6/<organization>-<project>/<channel>-<version>-<mode>-report.yaml and
 * README.md; DIR defaults to the current directory, e.g. a gateway-api checkout). The bundle is verified
 * first; --check also holds the written file against upstream's own suite code (equipment/gateway-api-check,
 * needs Go). Exit 0 written (and agreeing), 1 the bundle is inconsistent, holds no report, or the check
 * found a difference, 2 usage error (bad flags, unreadable bundle, self-test bundle, Go missing for --check).
 */
import { runMain } from '../harness/cli/main.ts';
import { HELP, main } from '../harness/cli/report-gateway-api.ts';
import { runCheck } from '../equipment/gateway-api-check/index.ts';

await runMain(HELP, () => main((args) => runCheck(args)));
