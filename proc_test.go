//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// The tests that run the real binary as a child process (crash and fault
// tests) share one build of it, removed when the package's tests end.
var ajelBuild struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if ajelBuild.dir != "" {
		os.RemoveAll(ajelBuild.dir)
	}
	os.Exit(code)
}

// ajelBinary builds `ajel` once (the build cache makes it a link step after
// the first time) and returns its path.
func ajelBinary(t *testing.T) string {
	t.Helper()
	ajelBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "ajel-bin-")
		if err != nil {
			ajelBuild.err = err
			return
		}
		ajelBuild.dir, ajelBuild.path = dir, filepath.Join(dir, "ajel")
		// go test puts its own GOROOT/bin first on PATH.
		goTool, err := exec.LookPath("go")
		if err != nil {
			ajelBuild.err = err
			return
		}
		out, err := exec.Command(goTool, "build", "-o", ajelBuild.path, ".").CombinedOutput()
		if err != nil {
			ajelBuild.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if ajelBuild.err != nil {
		t.Fatal(ajelBuild.err)
	}
	return ajelBuild.path
}

// childProc runs `ajel run` as a child process in its own directory (so no
// .env is read) with exactly the environment the test gives it. Every run's
// stderr goes to one buffer, so a test can read all the logs of all runs.
type childProc struct {
	t    *testing.T
	bin  string
	dir  string
	env  map[string]string
	logs *syncBuffer
	db   *storage.DB // the runs' database, opened beside them by store

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	runs   int
	// runStart is where the current run's logs begin in logs.
	runStart int
}

func newChild(t *testing.T, env map[string]string) *childProc {
	t.Helper()
	c := &childProc{t: t, bin: ajelBinary(t), dir: t.TempDir(), env: env, logs: &syncBuffer{}}
	t.Cleanup(func() {
		// Never leave a process behind, whatever the test did.
		c.mu.Lock()
		cmd, exited := c.cmd, c.exited
		c.mu.Unlock()
		if cmd != nil {
			cmd.Process.Kill()
			<-exited
		}
	})
	return c
}

// start starts a run; the previous one must have exited.
func (c *childProc) start() {
	c.t.Helper()
	var env []string
	for k, v := range c.env {
		env = append(env, k+"="+v)
	}
	cmd := exec.Command(c.bin, "run")
	cmd.Dir, cmd.Env = c.dir, env
	cmd.Stdout, cmd.Stderr = c.logs, c.logs
	// If the test process dies, so does the child.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.runs++
	c.runStart = len(c.logs.String())
	fmt.Fprintf(c.logs, "--- test: run %d starts\n", c.runs)
	if err := cmd.Start(); err != nil {
		c.t.Fatalf("starting ajel: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	c.cmd, c.exited = cmd, exited
}

// store is the runs' database, opened beside them on first use (it
// outlives every kill), for waiting on their state.
func (c *childProc) store() *storage.DB {
	if c.db == nil {
		c.db = storagetest.OpenAt(c.t, c.env[config.EnvDatabasePath])
	}
	return c.db
}

// kill sends SIGKILL, at once, from any goroutine; it does not wait.
func (c *childProc) kill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd != nil {
		c.cmd.Process.Signal(syscall.SIGKILL)
	}
}

// wait waits for the current run to exit and returns its exit code.
func (c *childProc) wait(timeout time.Duration) int {
	c.t.Helper()
	c.mu.Lock()
	cmd, exited := c.cmd, c.exited
	c.mu.Unlock()
	if cmd == nil {
		return 0
	}
	select {
	case <-exited:
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-exited
		c.t.Errorf("ajel did not exit within %s", timeout)
	}
	c.mu.Lock()
	c.cmd = nil
	c.mu.Unlock()
	return cmd.ProcessState.ExitCode()
}

// stop asks the run to stop with SIGTERM and checks it exits cleanly.
func (c *childProc) stop() {
	c.t.Helper()
	c.mu.Lock()
	cmd := c.cmd
	c.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if code := c.wait(20 * time.Second); code != 0 {
		c.t.Errorf("ajel exited %d after SIGTERM; logs:\n%s", code, c.tail())
	}
}

// alive reports whether the current run is still running.
func (c *childProc) alive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil {
		return false
	}
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// runLogs is the current run's output.
func (c *childProc) runLogs() string {
	c.mu.Lock()
	start := c.runStart
	c.mu.Unlock()
	return c.logs.String()[start:]
}

// tail is the end of all the logs, for failure messages.
func (c *childProc) tail() string {
	s := c.logs.String()
	if len(s) > 6000 {
		s = "…" + s[len(s)-6000:]
	}
	return s
}

var httpAddrRE = regexp.MustCompile(`http=(127\.0\.0\.1:\d+)`)

// httpAddr waits for the current run to log its bound HTTP address.
func (c *childProc) httpAddr() string {
	c.t.Helper()
	var addr string
	c.waitUntil("the HTTP address in the logs", 20*time.Second, func() bool {
		m := httpAddrRE.FindStringSubmatch(c.runLogs())
		if m != nil {
			addr = m[1]
		}
		return addr != ""
	})
	return addr
}

// waitUntil polls cond every 20ms; it fails the test with the logs when
// cond stays false for timeout or the child exits.
func (c *childProc) waitUntil(what string, timeout time.Duration, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			c.t.Fatalf("waiting for %s: timed out after %s; logs:\n%s", what, timeout, c.tail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// healthz fetches /healthz from the current run: the status code and body.
func healthz(ctx context.Context, addr string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// childEnv is the environment every child run starts from: testEnv, with
// sends at Telegram's full rate.
func childEnv(endpoint, dbPath string, extra map[string]string) map[string]string {
	env := testEnv(endpoint, dbPath, map[string]string{config.EnvSendRate: "30"})
	delete(env, config.EnvPollIntervalMax)
	for k, v := range extra {
		env[k] = v
	}
	return fixedPolling(env)
}
