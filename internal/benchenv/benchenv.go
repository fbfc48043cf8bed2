// Package benchenv reads the sizes of benchmarks and long tests from the
// environment (AJEL_BENCH_CHATS=10000 go test -bench …), so a quick run and
// a full-size one are the same code.
package benchenv

import (
	"os"
	"strconv"
	"testing"
)

// Int is the whole number ≥ 1 in the environment variable name, or def
// when it is unset; anything else fails tb.
func Int(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a whole number ≥ 1", name, v)
	}
	return n
}
