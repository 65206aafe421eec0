// Package gatewayapicheck holds a report bundle's gateway-api-conformance-report.yaml against what
// Gateway API v1.6.0's own conformance suite writes for the same per-test results.
//
// It reads report.yaml's gatewayApiConformance section (one result per upstream mesh test, the
// enabled profiles, the supported features), feeds those results through upstream's own code
// (suite.NewConformanceTestSuite, ConformanceTestSuite.Run with stand-ins for the tests' bodies
// that pass or fail as recorded, ConformanceTestSuite.Report), reads the bundle's file strictly into
// confv1.ConformanceReport, runs Implementation.Validate, and reports every field that differs.
// It also checks the suite's own rules that lead to those per-test results (report.yaml's scenario
// outcomes, claimed features, planes), against upstream's test definitions (meshtests) and profiles.
//
// Upstream's Run needs a *testing.T, so this is a test binary (go test -c) whose TestMain is the
// command: gateway-api-check [-report FILE] [-emit FILE] DIR...
// Exit 0: every bundle agrees; 1: a difference (each printed); 2: bad usage or an unreadable bundle.
package gatewayapicheck

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	confv1 "sigs.k8s.io/gateway-api/conformance/apis/v1"
	meshtests "sigs.k8s.io/gateway-api/conformance/tests/mesh"
	"sigs.k8s.io/gateway-api/conformance/utils/suite"
	"sigs.k8s.io/gateway-api/pkg/consts"
	"sigs.k8s.io/gateway-api/pkg/features"
	"sigs.k8s.io/yaml"
)

const reportFile = "gateway-api-conformance-report.yaml"

// The per-test results as this suite records them (upstream's resultType words, suite/reports.go).
const (
	succeeded    = "SUCCEEDED"
	failed       = "FAILED"
	skipped      = "SKIPPED"
	notSupported = "NOT_SUPPORTED"
)

type testRecord struct {
	Name     string `json:"name"`
	Scenario string `json:"scenario"`
	Result   string `json:"result"`
}

type scenario struct {
	ID                  string   `json:"id"`
	Outcome             string   `json:"outcome"`
	UnsupportedFeatures []string `json:"unsupportedFeatures"`
	Checks              []struct {
		UnsupportedFeatures []string `json:"unsupportedFeatures"`
	} `json:"checks"`
}

// suiteReport is the part of report.yaml this check reads (unknown fields are ignored).
type suiteReport struct {
	Date           string                `json:"date"`
	Planes         []string              `json:"planes"`
	Implementation confv1.Implementation `json:"implementation"`
	Environment    struct {
		GatewayAPI struct {
			Version string `json:"version"`
			Channel string `json:"channel"`
		} `json:"gatewayApi"`
	} `json:"environment"`
	ClaimedFeatures []string `json:"claimedFeatures"`
	Setup           *struct {
		Step string `json:"step"`
	} `json:"setup"`
	Scenarios  []scenario `json:"scenarios"`
	GatewayAPI *struct {
		Version           string       `json:"version"`
		Profiles          []string     `json:"profiles"`
		SupportedFeatures []string     `json:"supportedFeatures"`
		Tests             []testRecord `json:"tests"`
	} `json:"gatewayApiConformance"`
}

// The profiles this suite reports (upstream's exported profile definitions, suite/profiles.go).
var meshProfiles = []suite.ConformanceProfile{suite.MeshGRPCConformanceProfile, suite.MeshHTTPConformanceProfile}

// sentinel values report.yaml uses when the CRDs carry no bundle annotations.
var unknownValue = sets.New("", "unknown", "none")

var (
	report = flag.String("report", "", "check this file (e.g. report:gateway-api's output) instead of DIR/"+reportFile+"; one DIR only")
	emit   = flag.String("emit", "", "write the report upstream's suite gives for DIR to this file; one DIR only")
)

// The suite and tests TestUpstreamSuite runs, set by runUpstream for each bundle.
var (
	current      *suite.ConformanceTestSuite
	currentTests []suite.ConformanceTest
	currentErr   error
	testMain     *testing.M
)

// TestUpstreamSuite is upstream's Run over the stand-in tests; its failures are the recorded FAILED
// tests, read back through Report, not this binary's verdict.
func TestUpstreamSuite(t *testing.T) {
	if current != nil {
		currentErr = current.Run(t, currentTests)
	}
}

func TestMain(m *testing.M) {
	testMain = m
	os.Exit(command())
}

func command() int {
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: gateway-api-check [-report FILE] [-emit FILE] DIR...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	dirs := flag.Args()
	if len(dirs) == 0 || ((*report != "" || *emit != "") && len(dirs) != 1) {
		flag.Usage()
		return 2
	}
	exit := 0
	for _, dir := range dirs {
		file := *report
		if file == "" {
			file = filepath.Join(dir, reportFile)
		}
		problems, err := checkBundle(dir, file, *emit)
		switch {
		case err != nil:
			fmt.Printf("ERROR %s: %v\n", dir, err)
			exit = max(exit, 2)
		case len(problems) > 0:
			fmt.Printf("DIFFERS %s: %d difference(s) from Gateway API %s's suite\n", dir, len(problems), consts.BundleVersion)
			for _, p := range problems {
				fmt.Printf("  - %s\n", p)
			}
			exit = max(exit, 1)
		default:
			fmt.Printf("AGREES %s: %s is what Gateway API %s's suite writes for these results\n", dir, filepath.Base(file), consts.BundleVersion)
		}
	}
	return exit
}

func checkBundle(dir, file, emit string) ([]string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "report.yaml"))
	if err != nil {
		return nil, err
	}
	var rep suiteReport
	if err := yaml.Unmarshal(raw, &rep); err != nil {
		return nil, fmt.Errorf("report.yaml: %w", err)
	}
	want, why, problems := upstreamReport(&rep)
	if emit != "" {
		if want == nil {
			return nil, fmt.Errorf("-emit: upstream's suite writes no report for this bundle: %s", why)
		}
		out, err := yaml.Marshal(want)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(emit, out, 0o644); err != nil {
			return nil, err
		}
	}
	got, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		if want != nil {
			problems = append(problems, fmt.Sprintf("%s is missing, but upstream's suite writes a report for these results", filepath.Base(file)))
		}
		return problems, nil
	}
	if err != nil {
		return nil, err
	}
	if want == nil {
		return append(problems, fmt.Sprintf("%s exists, but upstream's suite writes none here: %s", filepath.Base(file), why)), nil
	}
	problems = append(problems, compareFile(got, want)...)
	if file != filepath.Join(dir, reportFile) {
		problems = append(problems, layoutProblems(file, want)...)
	}
	return problems, nil
}

// layoutProblems: a report laid out for submission sits where conformance/reports/README.md asks:
// conformance/reports/v<major>.<minor>/<implementation>/<channel>-<version>-<mode>-report.yaml, beside a
// README.md whose table of contents links it.
func layoutProblems(file string, r *confv1.ConformanceReport) []string {
	var problems []string
	name := fmt.Sprintf("%s-%s-%s-report.yaml", r.GatewayAPIChannel, r.Implementation.Version, r.Mode)
	if filepath.Base(file) != name {
		problems = append(problems, fmt.Sprintf("file name %s: upstream's README asks for <API channel>-<implementation version>-<mode>-report.yaml, %s", filepath.Base(file), name))
	}
	implDir := filepath.Dir(file)
	versionDir := filepath.Dir(implDir)
	parts := strings.SplitN(strings.TrimPrefix(r.GatewayAPIVersion, "v"), ".", 3)
	if len(parts) < 2 || filepath.Base(versionDir) != "v"+parts[0]+"."+parts[1] || filepath.Base(filepath.Dir(versionDir)) != "reports" || filepath.Base(filepath.Dir(filepath.Dir(versionDir))) != "conformance" {
		problems = append(problems, fmt.Sprintf("%s is not under conformance/reports/v<major>.<minor>/<implementation>/ of %s", file, r.GatewayAPIVersion))
	}
	readme, err := os.ReadFile(filepath.Join(implDir, "README.md"))
	if err != nil || !strings.Contains(string(readme), "(./"+filepath.Base(file)+")") {
		problems = append(problems, "README.md beside the report does not link it from its table of contents")
	}
	return problems
}

// compareFile reads the file as upstream's type, strictly (no unknown or duplicate fields), validates
// its implementation as upstream does before writing, and lists each field that differs.
func compareFile(got []byte, want *confv1.ConformanceReport) []string {
	var have confv1.ConformanceReport
	if err := yaml.UnmarshalStrict(got, &have); err != nil {
		return []string{fmt.Sprintf("not a ConformanceReport of conformance/apis/v1 (strict): %v", err)}
	}
	var problems []string
	if err := have.Implementation.Validate(); err != nil {
		problems = append(problems, fmt.Sprintf("Implementation.Validate: %v", err))
	}
	if _, err := time.Parse(time.RFC3339, have.Date); err != nil || strings.Contains(have.Date, ".") {
		problems = append(problems, fmt.Sprintf("date %q is not time.RFC3339 as upstream writes it (seconds, no fraction)", have.Date))
	}
	return append(problems, diff(flatten(normalized(&have)), flatten(normalized(want)))...)
}

// normalized: upstream lists profiles in map order (profileReportsMap.list), so order carries no meaning.
func normalized(r *confv1.ConformanceReport) any {
	c := *r
	c.ProfileReports = slices.Clone(r.ProfileReports)
	sort.Slice(c.ProfileReports, func(i, j int) bool { return c.ProfileReports[i].Name < c.ProfileReports[j].Name })
	b, _ := json.Marshal(c)
	var v any
	_ = json.Unmarshal(b, &v)
	return v
}

func flatten(v any) map[string]string {
	out := map[string]string{}
	var walk func(p string, v any)
	walk = func(p string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				walk(p+"."+k, x)
			}
		case []any:
			if len(t) == 0 {
				out[p] = "[]"
			}
			for i, x := range t {
				if m, ok := x.(map[string]any); ok && m["name"] != nil {
					walk(fmt.Sprintf("%s[%v]", p, m["name"]), x)
				} else {
					walk(fmt.Sprintf("%s[%d]", p, i), x)
				}
			}
		default:
			b, _ := json.Marshal(t)
			out[p] = string(b)
		}
	}
	walk("", v)
	return out
}

func diff(have, want map[string]string) []string {
	keys := sets.KeySet(have).Union(sets.KeySet(want)).UnsortedList()
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		h, hok := have[k]
		w, wok := want[k]
		switch {
		case !hok:
			out = append(out, fmt.Sprintf("%s: absent in the file, upstream writes %s", k[1:], w))
		case !wok:
			out = append(out, fmt.Sprintf("%s: the file has %s, upstream writes no such field", k[1:], h))
		case h != w:
			out = append(out, fmt.Sprintf("%s: the file has %s, upstream writes %s", k[1:], h, w))
		}
	}
	return out
}

// upstreamReport is the report upstream's suite writes for report.yaml's per-test results, or nil and
// why it writes none; with the problems of the suite's own rules that led to those results.
func upstreamReport(rep *suiteReport) (*confv1.ConformanceReport, string, []string) {
	if rep.Setup != nil {
		return nil, "the run's setup failed (" + rep.Setup.Step + "), no test ran", nil
	}
	g := rep.GatewayAPI
	if g == nil {
		return nil, "", []string{"report.yaml has no gatewayApiConformance section (per-test results)"}
	}
	problems := checkSuiteRules(rep)
	if g.Version != consts.BundleVersion {
		problems = append(problems, fmt.Sprintf("gatewayApiConformance.version is %q; this check is built from %s", g.Version, consts.BundleVersion))
	}
	// conformance.go RunConformanceWithOptions: an invalid implementation stops a run that writes a report.
	if err := rep.Implementation.Validate(); err != nil {
		return nil, "Implementation.Validate: " + err.Error(), problems
	}
	if len(g.Profiles) == 0 {
		return nil, "no conformance profile is enabled (their core features are not supported)", problems
	}
	s, err := newSuite(rep)
	if err != nil {
		return nil, "suite.NewConformanceTestSuite: " + err.Error(), problems
	}
	problems = append(problems, checkResults(rep, s.SupportedFeatures)...)
	stubs, ran := stubTests(g.Tests)
	if err := runUpstream(s, stubs); err != nil {
		return nil, "", append(problems, "upstream Run: "+err.Error())
	}
	for _, t := range stubs {
		r := recorded(g.Tests, t.ShortName)
		if (r == succeeded || r == failed) && !ran[t.ShortName] {
			problems = append(problems, fmt.Sprintf("%s: recorded %s, but upstream's Run does not run it", t.ShortName, r))
		}
	}
	out, err := s.Report()
	if err != nil {
		return nil, "", append(problems, "upstream Report: "+err.Error())
	}
	date, err := time.Parse(time.RFC3339Nano, rep.Date)
	if err != nil {
		return nil, "", append(problems, fmt.Sprintf("report.yaml date %q: %v", rep.Date, err))
	}
	// Report() stamps time.Now(); the run's own time is report.yaml's date, in upstream's format.
	out.Date = date.UTC().Format(time.RFC3339)
	return out, "", problems
}

func newSuite(rep *suiteReport) (*suite.ConformanceTestSuite, error) {
	g := rep.GatewayAPI
	var skip []string
	for _, t := range g.Tests {
		if t.Result == skipped {
			skip = append(skip, t.Name)
		}
	}
	opts := suite.ConformanceOptions{
		ConfigurableOptions: suite.ConfigurableOptions{
			Mode:           "default",
			Implementation: rep.Implementation,
			SkipTests:      skip,
		},
		Client:     crdClient(rep.Environment.GatewayAPI.Version, rep.Environment.GatewayAPI.Channel),
		RestConfig: &rest.Config{Host: "http://127.0.0.1:1"},
	}
	for _, f := range g.SupportedFeatures {
		opts.SupportedFeatures = append(opts.SupportedFeatures, features.FeatureName(f))
	}
	for _, p := range g.Profiles {
		opts.ConformanceProfiles = append(opts.ConformanceProfiles, suite.ConformanceProfileName(p))
	}
	return suite.NewConformanceTestSuite(opts)
}

// crdClient holds one Gateway API CRD annotated as report.yaml says the installed ones were, for
// upstream's getAPIVersionAndChannel (suite.go).
func crdClient(version, channel string) client.Client {
	ann := map[string]string{}
	if !unknownValue.Has(version) {
		ann[consts.BundleVersionAnnotation] = version
	}
	if !unknownValue.Has(channel) {
		ann[consts.ChannelAnnotation] = channel
	}
	scheme := runtime.NewScheme()
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		panic(err)
	}
	crd := &apiextensionsv1.CustomResourceDefinition{ObjectMeta: metav1.ObjectMeta{Name: "httproutes.gateway.networking.k8s.io", Annotations: ann}}
	return fake.NewClientBuilder().WithScheme(scheme).WithObjects(crd).Build()
}

// stubTests are upstream's mesh tests with their names, features and provisional flags, whose bodies
// pass or fail as report.yaml records (no manifests: nothing is applied).
func stubTests(records []testRecord) ([]suite.ConformanceTest, map[string]bool) {
	ran := map[string]bool{}
	var out []suite.ConformanceTest
	for _, t := range meshtests.MeshConformanceTests {
		name, fail := t.ShortName, recorded(records, t.ShortName) == failed
		out = append(out, suite.ConformanceTest{
			ShortName: t.ShortName, Description: t.Description, Features: t.Features, Provisional: t.Provisional,
			Test: func(tt *testing.T, _ *suite.ConformanceTestSuite) {
				ran[name] = true
				if fail {
					tt.Error("report.yaml records FAILED")
				}
			},
		})
	}
	return out, ran
}

func recorded(records []testRecord, name string) string {
	for _, r := range records {
		if r.Name == name {
			return r.Result
		}
	}
	return ""
}

// runUpstream runs upstream's Run through the test binary's own runner; its output is dropped.
func runUpstream(s *suite.ConformanceTestSuite, tests []suite.ConformanceTest) error {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer devnull.Close()
	stdout := os.Stdout
	os.Stdout = devnull
	defer func() { os.Stdout = stdout }()
	current, currentTests, currentErr = s, tests, nil
	defer func() { current = nil }()
	testMain.Run() // its exit code reflects the stand-ins that fail as recorded
	return currentErr
}

// checkSuiteRules: the supported features and enabled profiles report.yaml records follow from its
// claim (or, without one, from what scenarios found unsupported), and its tests are upstream's.
func checkSuiteRules(rep *suiteReport) []string {
	g := rep.GatewayAPI
	var problems []string
	universe := sets.New[string]()
	for _, p := range meshProfiles {
		universe.Insert(names(p.CoreFeatures.Union(p.ExtendedFeatures))...)
	}
	upstreamTests := sets.New[string]()
	for _, t := range meshtests.MeshConformanceTests {
		upstreamTests.Insert(t.ShortName)
		universe.Insert(names(sets.New(t.Features...))...)
	}
	var want sets.Set[string]
	if rep.ClaimedFeatures != nil {
		want = universe.Intersection(sets.New(rep.ClaimedFeatures...))
	} else {
		found := sets.New[string]()
		for _, s := range rep.Scenarios {
			found.Insert(s.UnsupportedFeatures...)
			for _, c := range s.Checks {
				found.Insert(c.UnsupportedFeatures...)
			}
		}
		want = universe.Difference(found)
	}
	if have := sets.New(g.SupportedFeatures...); !have.Equal(want) {
		problems = append(problems, fmt.Sprintf("gatewayApiConformance.supportedFeatures: recorded %v, the claim gives %v", sets.List(have), sets.List(want)))
	}
	wantProfiles := sets.New[string]()
	for _, p := range meshProfiles {
		if want.IsSuperset(sets.New(names(p.CoreFeatures)...)) {
			wantProfiles.Insert(string(p.Name))
		}
	}
	if have := sets.New(g.Profiles...); !have.Equal(wantProfiles) {
		problems = append(problems, fmt.Sprintf("gatewayApiConformance.profiles: recorded %v, profiles whose core features are supported: %v", sets.List(have), sets.List(wantProfiles)))
	}
	have := sets.New[string]()
	for _, t := range g.Tests {
		if have.Has(t.Name) {
			problems = append(problems, fmt.Sprintf("test %s recorded twice", t.Name))
		}
		have.Insert(t.Name)
	}
	if !have.Equal(upstreamTests) {
		problems = append(problems, fmt.Sprintf("tests: not upstream's mesh tests; missing %v, unknown %v", sets.List(upstreamTests.Difference(have)), sets.List(have.Difference(upstreamTests))))
	}
	return problems
}

// checkResults: each recorded result follows from its scenario's outcome (the suite's rule) and from
// upstream's rule for what is not supported (suite.Run: SupportedFeatures.HasAll(test.Features)).
func checkResults(rep *suiteReport, supported suite.FeaturesSet) []string {
	byID := map[string]scenario{}
	for _, s := range rep.Scenarios {
		byID[s.ID] = s
	}
	data := slices.Contains(rep.Planes, "data")
	var problems []string
	for _, t := range meshtests.MeshConformanceTests {
		r := recordOf(rep.GatewayAPI.Tests, t.ShortName)
		if r == nil {
			continue
		}
		s, ok := byID[r.Scenario]
		want := skipped
		switch {
		case !supported.HasAll(t.Features...):
			want = notSupported
		case !ok || !data:
		case s.Outcome == "passed":
			want = succeeded
		case s.Outcome == "failed" || s.Outcome == "error":
			want = failed
		}
		if r.Result != want {
			why := fmt.Sprintf("scenario %s %s", r.Scenario, map[bool]string{true: s.Outcome, false: "not in the report"}[ok])
			if want == notSupported || r.Result == notSupported {
				why = fmt.Sprintf("features %v, supported %v", t.Features, sets.List(supported))
			}
			problems = append(problems, fmt.Sprintf("%s: recorded %s, should be %s (%s)", t.ShortName, r.Result, want, why))
		}
	}
	return problems
}

func recordOf(records []testRecord, name string) *testRecord {
	for i := range records {
		if records[i].Name == name {
			return &records[i]
		}
	}
	return nil
}

func names(s sets.Set[features.FeatureName]) []string {
	var out []string
	for f := range s {
		out = append(out, string(f))
	}
	return out
}
