package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrInUse means another process holds the database's instance lock.
var ErrInUse = errors.New("in use by another process")

// InstanceLock is the lock one process holds on a database so that no
// second one sends the same pushes: an exclusive flock on a file beside it
// (the database's path with ".lock"), which the kernel releases when the
// process ends, however it ends, so a lock is never stale after kill -9.
type InstanceLock struct {
	f *os.File
}

// Lock takes the instance lock of the database at dbPath, or says who
// holds it: the error wraps ErrInUse and names the file and the holder's
// pid. It also says plainly when the database's directory or file cannot
// be written. Reading the database (ajel backup) needs no lock.
func Lock(dbPath string) (*InstanceLock, error) {
	if err := checkWritable(dbPath); err != nil {
		return nil, err
	}
	name := dbPath + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("storage: lock %s: %w", name, err)
	}
	if err := flock(f); err != nil {
		holder, _ := os.ReadFile(name)
		f.Close()
		if pid := strings.TrimSpace(string(holder)); pid != "" {
			return nil, fmt.Errorf("storage: %s is %w (ajel pid %s holds %s): stop it first, or give this one another DATABASE_PATH",
				dbPath, ErrInUse, pid, name)
		}
		return nil, fmt.Errorf("storage: %s is %w (it holds %s): stop it first, or give this one another DATABASE_PATH",
			dbPath, ErrInUse, name)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0) // the pid is only for the message above
	}
	return &InstanceLock{f: f}, nil
}

// Release lets another process take the lock. It is safe to call twice.
func (l *InstanceLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the file drops the flock
	l.f = nil
	return err
}

// checkWritable says in one line what keeps the database at path from
// being written: a directory that does not exist or that this user may
// not write to, or a file that is read-only.
func checkWritable(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("storage: the directory %s of DATABASE_PATH does not exist: create it, or set DATABASE_PATH to a file in an existing one", dir)
	case err != nil:
		return fmt.Errorf("storage: the directory %s of DATABASE_PATH cannot be read: %w", dir, err)
	case !st.IsDir():
		return fmt.Errorf("storage: %s in DATABASE_PATH is not a directory", dir)
	}
	probe, err := os.CreateTemp(dir, ".ajel-write-check-*")
	if err != nil {
		return fmt.Errorf("storage: the directory %s of DATABASE_PATH is not writable (%s): SQLite needs to create files there (the WAL, the lock); %s",
			dir, why(err), remedy(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storage: the database file %s is read-only (%s): %s", path, why(err), remedy(err))
	}
	return nil
}

// why says in words why a file could not be written.
func why(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Sprintf("permission denied for this user, uid %d", os.Getuid())
	}
	return err.Error()
}

func remedy(err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return "change its owner or mode, or use another directory"
	}
	return "use a file on a writable disk"
}
