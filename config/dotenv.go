package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/joho/godotenv"
)

// LoadEnv reads dotenvPath (usually ".env") with godotenv and then calls
// Load. A variable already set in the process environment wins over the
// file, as with godotenv.Load; unlike godotenv.Load the process environment
// is not modified: the file's values are only consulted as a fallback.
//
// A missing file is fine (the environment alone is used); an empty path
// skips the file. A malformed file is an error naming the file and the line,
// without echoing its content (it holds the token).
func LoadEnv(dotenvPath string) (Config, error) {
	file := map[string]string{}
	if dotenvPath != "" {
		m, err := godotenv.Read(dotenvPath)
		switch {
		case err == nil:
			file = m
		case errors.Is(err, fs.ErrNotExist):
			// No .env: the environment alone configures Ajel.
		default:
			return Config{}, dotenvError(dotenvPath, err)
		}
	}
	return Load(func(name string) (string, bool) {
		if v, ok := os.LookupEnv(name); ok {
			return v, true
		}
		v, ok := file[name]
		return v, ok
	})
}

// dotenvError describes a file godotenv could not read. godotenv's own
// messages quote the rest of the file, which may hold secrets, so only the
// kind of mistake and the line are reported.
func dotenvError(path string, err error) error {
	data, rerr := os.ReadFile(path)
	if rerr != nil {
		// Unreadable (a directory, no permission): the OS error holds no secret.
		return fmt.Errorf("config: reading .env file %q: %w", path, err)
	}
	what := "a line is not NAME=value"
	switch msg := err.Error(); {
	case strings.HasPrefix(msg, "unterminated quoted value"):
		what = "a quoted value is not closed"
	case strings.HasPrefix(msg, "unexpected character"):
		what = "a variable name may hold only letters, digits, _ and . (write NAME=value)"
	}
	if line := badLine(string(data)); line > 0 {
		return fmt.Errorf("config: .env file %q line %d: %s", path, line, what)
	}
	return fmt.Errorf("config: .env file %q: %s", path, what)
}

// badLine finds the line where parsing starts failing for good: the first
// line k such that every prefix of the file ending at line k or later fails.
// (A quoted value may span lines, so an early failing prefix alone proves
// nothing.) Files are small, so the quadratic scan is fine.
func badLine(data string) int {
	lines := strings.SplitAfter(data, "\n")
	bad := 0
	for k := len(lines); k >= 1; k-- {
		if _, err := godotenv.Unmarshal(strings.Join(lines[:k], "")); err == nil {
			break
		}
		bad = k
	}
	return bad
}
