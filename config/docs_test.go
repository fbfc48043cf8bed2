package config_test

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/config"
)

// TestOperatorDocsFollowTheSettings fails, naming the variable, when
// README.md's table of variables or .env.example is not what the settings
// table gives.
func TestOperatorDocsFollowTheSettings(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	wantReadme, err := config.UpdateReadme(readme)
	if err != nil {
		t.Fatal(err)
	}
	checkDoc(t, "README.md", readme, wantReadme, readmeRows)

	env, err := os.ReadFile("../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	checkDoc(t, ".env.example", env, config.EnvExample(), envBlocks)
}

// checkDoc reports each variable the file documents otherwise than want.
func checkDoc(t *testing.T, file string, have, want []byte, entries func([]byte) []docEntry) {
	t.Helper()
	diffs := docDifferences(entries(have), entries(want))
	if len(diffs) == 0 && !bytes.Equal(have, want) {
		diffs = []string{"the text around the variables differs"}
	}
	for _, d := range diffs {
		t.Errorf("%s: %s", file, d)
	}
	if len(diffs) > 0 {
		t.Errorf("%s: run `go generate ./config` to write it from config/settings.go", file)
	}
}

// TestDocDifferencesNameTheVariable shows what the test above says when
// the documentation is out of step.
func TestDocDifferencesNameTheVariable(t *testing.T) {
	readme, err := config.UpdateReadme([]byte("# Ajel\n\n<!-- The table below is written from config/settings.go by `go generate ./config`: edit it there. -->\n<!-- End of the table written from config/settings.go. -->\n"))
	if err != nil {
		t.Fatal(err)
	}
	stale := strings.Replace(string(readme), "| `SEND_RATE` | `25` |", "| `SEND_RATE` | `20` |", 1)
	stale = regexp.MustCompile("(?m)^\\| `MAX_ITEM_AGE` .*\n").ReplaceAllString(stale, "")
	stale = strings.Replace(stale, "| `LOG_LEVEL` |", "| `ALERT_LATER` | `6h` | a duration | gone |\n| `LOG_LEVEL` |", 1)
	got := docDifferences(readmeRows([]byte(stale)), readmeRows(readme))
	want := []string{
		"ALERT_LATER is documented but config does not read it",
		"SEND_RATE says\n| `SEND_RATE` | `20` |",
		"MAX_ITEM_AGE is missing",
	}
	if len(got) != len(want) {
		t.Fatalf("differences = %q, want %d", got, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("difference %d = %q, want it to start %q", i, got[i], want[i])
		}
	}

	env := config.EnvExample()
	stale = strings.Replace(string(env), "\nFEEDS=\n", "\n", 1)
	stale = strings.Replace(stale, "\nLOG_LEVEL=info\n", "\nLOG_LEVEL=debug\n", 1)
	got = docDifferences(envBlocks([]byte(stale)), envBlocks(env))
	if len(got) != 2 || !strings.HasPrefix(got[0], "FEEDS is missing") || !strings.HasPrefix(got[1], "LOG_LEVEL says") {
		t.Errorf("differences = %q, want FEEDS missing and LOG_LEVEL different", got)
	}
}

// docEntry is what a document says about one variable.
type docEntry struct{ name, text string }

// docDifferences lists, by variable, where have is not want: a variable
// missing, one said otherwise, one config does not read, and the order.
func docDifferences(have, want []docEntry) []string {
	haveText := map[string]string{}
	for _, e := range have {
		haveText[e.name] = e.text
	}
	wantText := map[string]string{}
	for _, e := range want {
		wantText[e.name] = e.text
	}
	var out []string
	for _, e := range have {
		if _, ok := wantText[e.name]; !ok {
			out = append(out, e.name+" is documented but config does not read it")
		}
	}
	for _, e := range want {
		switch text, ok := haveText[e.name]; {
		case !ok:
			out = append(out, e.name+" is missing")
		case text != e.text:
			out = append(out, fmt.Sprintf("%s says\n%s\nthe table says\n%s", e.name, text, e.text))
		}
	}
	if len(out) == 0 && len(have) == len(want) {
		for i := range want {
			if have[i].name != want[i].name {
				out = append(out, fmt.Sprintf("%s comes where the table has %s: the order differs", have[i].name, want[i].name))
				break
			}
		}
	}
	return out
}

var readmeRow = regexp.MustCompile("^\\| `([A-Z0-9_]+)` \\|")

// readmeRows are the rows of README's table of variables.
func readmeRows(readme []byte) []docEntry {
	var out []docEntry
	for line := range strings.Lines(string(readme)) {
		if m := readmeRow.FindStringSubmatch(line); m != nil {
			out = append(out, docEntry{m[1], strings.TrimSpace(line)})
		}
	}
	return out
}

var envAssignment = regexp.MustCompile(`(?m)^([A-Z0-9_]+)=`)

// envBlocks are the variables of a .env file, each with the comment
// above it.
func envBlocks(env []byte) []docEntry {
	var out []docEntry
	for block := range strings.SplitSeq(string(env), "\n\n") {
		if m := envAssignment.FindStringSubmatch(block); m != nil {
			out = append(out, docEntry{m[1], strings.TrimSpace(block)})
		}
	}
	return out
}

func TestUpdateReadmeWithoutMarkers(t *testing.T) {
	_, err := config.UpdateReadme([]byte("# Ajel\n\n| variable | default | meaning |\n"))
	if err == nil || !strings.Contains(err.Error(), "README has no table of variables") {
		t.Errorf("UpdateReadme without markers: %v", err)
	}
}
