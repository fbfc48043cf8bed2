package config

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
	"time"
)

// TestSettingsTable checks what each entry must say: a name of its own
// with its Env constant, one line of help, what it accepts, and a default
// its own parser accepts.
func TestSettingsTable(t *testing.T) {
	var c Config
	table := settings(&c)
	seen := map[string]bool{}
	for _, s := range table {
		switch {
		case seen[s.name]:
			t.Errorf("%s is in the table twice", s.name)
		case s.help == "" || strings.ContainsAny(s.help, "\n|") || strings.HasSuffix(s.help, "."):
			t.Errorf("%s: help %q must be one line, without | or a final full stop (the docs add it)", s.name, s.help)
		case s.accepts == "" || strings.Contains(s.accepts, "\n"):
			t.Errorf("%s: accepts %q must say in one line which values are accepted", s.name, s.accepts)
		case s.set == nil || s.show == nil:
			t.Errorf("%s has no parser or no way to be shown", s.name)
		}
		seen[s.name] = true
		if s.def != "" {
			s.set(s.def, func(format string, args ...any) {
				t.Errorf("%s: its default %q is refused: %s", s.name, s.def, s.name+fmt.Sprintf(format, args...))
			})
		}
	}

	// Every Env constant names a setting, and nothing else reads a variable.
	f, err := parser.ParseFile(token.NewFileSet(), "config.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	constants := 0
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Values) != 1 || !strings.HasPrefix(spec.Names[0].Name, "Env") {
			return true
		}
		constants++
		if lit, ok := spec.Values[0].(*ast.BasicLit); !ok || !seen[strings.Trim(lit.Value, `"`)] {
			t.Errorf("%s names no entry of the settings table", spec.Names[0].Name)
		}
		return true
	})
	if constants != len(table) {
		t.Errorf("%d Env constants for %d settings", constants, len(table))
	}
}

// TestSecretsAreNeverEchoed: a secret setting's bad value is named, never
// printed, and Redacted shows only whether it is set.
func TestSecretsAreNeverEchoed(t *testing.T) {
	const value = "SECRETVALUE with spaces!"
	for _, s := range settings(&Config{}) {
		if !s.secret {
			continue
		}
		c, err := Load(func(name string) (string, bool) { return value, name == s.name })
		if err != nil {
			if !strings.HasPrefix(err.Error(), "config: "+s.name+" ") || strings.Contains(err.Error(), "SECRETVALUE") {
				t.Errorf("%s: error %q must name the variable and not show its value", s.name, err)
			}
			continue
		}
		if r := c.Redacted(); !strings.Contains(r, s.name+`="set"`) || strings.Contains(r, "SECRETVALUE") {
			t.Errorf("%s: Redacted() = %s", s.name, r)
		}
	}
}

// TestDurationWithoutUpperBound is how a setting such as ALERT_AFTER
// (at least a minute, no upper bound) reads.
func TestDurationWithoutUpperBound(t *testing.T) {
	var d time.Duration
	v := duration{min: time.Minute, examples: "6h or 30m"}.into(&d)
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, "ALERT_AFTER"+fmt.Sprintf(format, args...))
	}
	v.set("720h", bad)
	if d != 720*time.Hour || len(problems) > 0 {
		t.Errorf("720h gave %v, %q", d, problems)
	}
	v.set("30s", bad)
	if want := `ALERT_AFTER="30s" is too short: use at least 1m, such as 6h or 30m`; len(problems) != 1 || problems[0] != want || d != 720*time.Hour {
		t.Errorf("30s gave %v, %q, want %q", d, problems, want)
	}
	if v.accepts != "a duration, at least `1m`" {
		t.Errorf("accepts = %q", v.accepts)
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second: "1s", time.Minute: "1m", 90 * time.Minute: "1h30m", 24 * time.Hour: "24h", 1500 * time.Millisecond: "1.5s",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
