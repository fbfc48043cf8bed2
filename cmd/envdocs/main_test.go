package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunWritesBothFiles(t *testing.T) {
	dir := t.TempDir()
	readme, env := filepath.Join(dir, "README.md"), filepath.Join(dir, ".env.example")
	const before = "# Ajel\n\nText before.\n\n"
	const after = "\nText after.\n"
	table := "<!-- The table below is written from config/settings.go by `go generate ./config`: edit it there. -->\n" +
		"| stale | table |\n" +
		"<!-- End of the table written from config/settings.go. -->\n"
	if err := os.WriteFile(readme, []byte(before+table+after), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(readme, env); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	if !strings.HasPrefix(s, before) || !strings.HasSuffix(s, after) || strings.Contains(s, "stale") ||
		!strings.Contains(s, "| `TELEGRAM_BOT_TOKEN` |") {
		t.Errorf("README after run:\n%s", s)
	}
	if data, err := os.ReadFile(env); err != nil || !strings.Contains(string(data), "\nPOLL_INTERVAL=60s\n") {
		t.Errorf(".env.example after run: %q, %v", data, err)
	}
}

func TestRunRefusesAReadmeWithoutTheMarkers(t *testing.T) {
	dir := t.TempDir()
	readme, env := filepath.Join(dir, "README.md"), filepath.Join(dir, ".env.example")
	if err := os.WriteFile(readme, []byte("# Ajel\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(readme, env)
	if err == nil || !strings.Contains(err.Error(), readme) {
		t.Errorf("run = %v, want an error naming %s", err, readme)
	}
	if _, err := os.Stat(env); err == nil {
		t.Error(".env.example was written although the README was refused")
	}
}
