package officer_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"transito/models/rules"
)

// node finds Node 20 or newer (its built-in test runner), or skips.
func node(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the officer app's JavaScript tests need Node 20+ (apt-get install nodejs)")
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Skipf("node --version: %v", err)
	}
	m := regexp.MustCompile(`^v(\d+)\.`).FindSubmatch(out)
	if m == nil {
		t.Skipf("node --version printed %q", out)
	}
	if major, _ := strconv.Atoi(string(m[1])); major < 20 {
		t.Skipf("node %s is too old: the JavaScript tests need Node 20+", bytes.TrimSpace(out))
	}
	return bin
}

// nodeArgs keeps Node from warning that static/js/oficial has no
// package.json "type": the files are ES modules for the browser.
var nodeArgs = []string{"--disable-warning=MODULE_TYPELESS_PACKAGE_JSON"}

// TestJavaScript runs the unit tests of the queue logic and the sync loop
// (testdata/js/*.test.mjs) with Node's built-in test runner.
func TestJavaScript(t *testing.T) {
	bin := node(t)
	files, err := filepath.Glob("testdata/js/*.test.mjs")
	if err != nil || len(files) == 0 {
		t.Fatalf("no JavaScript tests found (%v)", err)
	}
	cmd := exec.Command(bin, append(append(nodeArgs, "--test", "--test-reporter=tap"), files...)...)
	cmd.Env = append(cmd.Environ(), "TZ=America/Argentina/Buenos_Aires")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	pass := regexp.MustCompile(`(?m)^# pass (\d+)$`).FindSubmatch(out)
	if pass == nil || string(pass[1]) == "0" {
		t.Fatalf("node --test ran no test:\n%s", out)
	}
	t.Logf("node --test: %s JavaScript tests passed", pass[1])
}

// TestPlateMatchesTheServer feeds the same strings to the app's
// normalizePlate and to rules.NormalizePlate: the phone must show the plate
// the server will store.
func TestPlateMatchesTheServer(t *testing.T) {
	bin := node(t)
	cases := []string{
		"abc123", "AB 123 CD", "ab-123-cd", " ab–123—cd ", "ＡＢＣ１２３", "ab\u00a0123", "ab\u200b123",
		"ab\u00ad12", "a\u2212b1", "x\u2010y\u2011z\u2012\u2013\u2014\u2015", "ab\t\n\v\f\r12", "ab\u0085cd", "ab\u3000cd",
		"ab\u202fcd\u205f", "straße", "ǆ12", "ıi12", "ſs12", "ﬀ12", "ǅ9", "АВС123", "AB.123", "", " ", "A", "ABCDEFGHIJK",
		"ABCDEFGHIJ", "ab\ufeff12", "ab_12", "ñandú", "Ａ－１", "ab\u1680cd", "ab\u2028cd",
	}
	input, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append(nodeArgs, "testdata/js/plate_parity.mjs")...)
	cmd.Stdin = bytes.NewReader(input)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node plate_parity.mjs: %v", err)
	}
	var got []struct {
		N  string `json:"n"`
		OK bool   `json:"ok"`
	}
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(cases) {
		t.Fatalf("node answered %q (%v)", out, err)
	}
	for i, in := range cases {
		want := rules.NormalizePlate(in)
		if got[i].N != want || got[i].OK != rules.ValidPlate(want) {
			t.Errorf("plate %q: app %q valid=%v, server %q valid=%v", in, got[i].N, got[i].OK, want, rules.ValidPlate(want))
		}
	}
	if strings.Count(string(out), `"ok":true`) == 0 {
		t.Fatal("no valid plate among the cases: the comparison proves little")
	}
}
