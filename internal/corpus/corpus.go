// Package corpus reads the shared evaluation corpora (../shared/data beside
// the repository: gzipped JSON Lines) for the evaluation tests, the
// benchmarks and cmd/trainmodel. A test whose corpus is absent skips.
package corpus

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// File is the path of name (such as "ant/ant-dev.jsonl.gz") in the shared
// data folder: ../shared/data beside the module's root, found from the
// working directory (a test runs in its package's folder).
func File(name string) string {
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "shared", "data", name)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "data", name)
		}
		if filepath.Dir(d) == d {
			return filepath.Join("..", "shared", "data", name)
		}
	}
}

// Each decodes the lines of the gzipped JSON Lines file at path into T, in
// order, and calls fn with each line's number (from 0) until fn returns
// false.
func Each[T any](path string, fn func(i int, v T) bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("corpus: %s: %w", path, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for i := 0; sc.Scan(); i++ {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return fmt.Errorf("corpus: %s line %d: %w", path, i+1, err)
		}
		if !fn(i, v) {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("corpus: %s: %w", path, err)
	}
	return nil
}

// Load reads the corpus file name (see File) for a test or benchmark: the
// lines keep accepts, until it says to stop. It skips tb when the file is
// absent and fails it when the file cannot be read.
func Load[T any](tb testing.TB, name string, keep func(i int, v T) (ok, more bool)) []T {
	tb.Helper()
	path := File(name)
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("corpus %s not available: %v", name, err)
	}
	var out []T
	err := Each(path, func(i int, v T) bool {
		ok, more := keep(i, v)
		if ok {
			out = append(out, v)
		}
		return more
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
