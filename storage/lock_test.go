//go:build unix

package storage_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/storage"
)

func TestInstanceLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ajel.db")
	first, err := storage.Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = storage.Lock(path)
	if !errors.Is(err, storage.ErrInUse) || !strings.Contains(err.Error(), path) ||
		!strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second lock: %v; want ErrInUse naming the file and the holder's pid", err)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := storage.Lock(path)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.Release()
	again.Release() // twice is fine
}

// readOnlyDir returns a directory this process cannot write into: one it
// may not write (an unprivileged user), or a read-only mount (root, who may
// write anywhere else); it skips when neither can be had.
func readOnlyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		return dir
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("root needs a read-only mount for this test, and mount failed: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

func TestUnwritableDirectorySaysSo(t *testing.T) {
	dir := readOnlyDir(t)
	path := filepath.Join(dir, "ajel.db")
	_, err := storage.Lock(path)
	if err == nil || !strings.Contains(err.Error(), "is not writable") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("lock in %s: %v; want a message that the directory is not writable", dir, err)
	}
	if strings.Contains(err.Error(), "no such file") {
		t.Errorf("the message blames a missing file: %v", err)
	}
	_, err = storage.Lock(filepath.Join(dir, "missing", "ajel.db"))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing directory: %v", err)
	}
}

func TestReadOnlyDatabaseFileSaysSo(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write a read-only file; the read-only mount case is TestUnwritableDirectorySaysSo")
	}
	path := filepath.Join(t.TempDir(), "ajel.db")
	if err := os.WriteFile(path, nil, 0o400); err != nil {
		t.Fatal(err)
	}
	_, err := storage.Lock(path)
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("lock of a read-only file: %v", err)
	}
}
