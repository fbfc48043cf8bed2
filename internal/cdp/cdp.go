// Package cdp is a minimal Chrome DevTools Protocol client, enough for tests
// that load a page in headless Chromium, run JavaScript in it and take a
// screenshot. It starts its own browser with a throwaway profile and talks
// to the page target over the DevTools websocket.
package cdp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/websocket"
)

// ErrNoBrowser means no Chromium or Chrome binary was found.
var ErrNoBrowser = errors.New("cdp: no chromium, chromium-browser or google-chrome on PATH and CHROME_PATH unset")

// ErrBrowserStart means a browser binary was found but the process could
// not be started or exited before DevTools came up (missing libraries, a
// broken install). Errors wrapping it carry the end of the browser's stderr.
var ErrBrowserStart = errors.New("cdp: browser did not start")

// candidates are the binaries Launch looks for on PATH, in order.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// allowedOrigin is the Origin our websocket handshake sends and the only
// one the browser is told to accept on its DevTools socket.
const allowedOrigin = "http://127.0.0.1"

// Options configure Launch. The zero value is usable.
type Options struct {
	// ExecPath is the browser binary; empty means $CHROME_PATH, then the
	// first of chromium, chromium-browser, google-chrome on PATH.
	ExecPath string
	// Width and Height are the window size (default 480×900).
	Width, Height int
	// Scale is the device pixel ratio of screenshots (default 1; 2 for a
	// sharp picture).
	Scale float64
	// ExtraArgs are appended to the command line (before about:blank).
	ExtraArgs []string
	// StartTimeout bounds waiting for DevTools to come up (default 15s).
	StartTimeout time.Duration
}

// FindBrowser returns the browser binary Launch would start, or ErrNoBrowser.
func FindBrowser(execPath string) (string, error) {
	if execPath == "" {
		execPath = os.Getenv("CHROME_PATH")
	}
	if execPath != "" {
		p, err := exec.LookPath(execPath)
		if err != nil {
			return "", fmt.Errorf("%w: %s: %v", ErrNoBrowser, execPath, err)
		}
		return p, nil
	}
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// Browser is a running headless browser with one page. Its methods are
// safe for concurrent use; Close must be called to end the process.
type Browser struct {
	cmd    *exec.Cmd
	dir    string
	stderr *tailBuffer
	exited chan struct{} // closed when the process has exited

	ws      *websocket.Conn
	writeMu sync.Mutex

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan reply
	readErr error
	readEnd chan struct{} // closed when the reader stops

	closeOnce sync.Once
}

type reply struct {
	Result json.RawMessage
	Err    error
}

// Launch starts a headless browser on about:blank and connects to its page.
// ctx bounds the start only; the browser runs until Close.
func Launch(ctx context.Context, opts Options) (*Browser, error) {
	path, err := FindBrowser(opts.ExecPath)
	if err != nil {
		return nil, err
	}
	w, h := opts.Width, opts.Height
	if w <= 0 {
		w = 480
	}
	if h <= 0 {
		h = 900
	}
	startTimeout := opts.StartTimeout
	if startTimeout <= 0 {
		startTimeout = 15 * time.Second
	}
	dir, err := os.MkdirTemp("", "ajel-cdp-")
	if err != nil {
		return nil, fmt.Errorf("cdp: profile dir: %w", err)
	}
	args := []string{
		// --no-sandbox: CI and containers run as root, where the sandbox refuses to start.
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
		"--remote-debugging-port=0", "--remote-allow-origins=" + allowedOrigin,
		"--user-data-dir=" + dir, fmt.Sprintf("--window-size=%d,%d", w, h),
	}
	args = append(args, opts.ExtraArgs...)
	args = append(args, "about:blank")

	b := &Browser{
		dir:     dir,
		stderr:  &tailBuffer{max: 4096},
		exited:  make(chan struct{}),
		pending: map[int64]chan reply{},
		readEnd: make(chan struct{}),
	}
	b.cmd = exec.Command(path, args...)
	b.cmd.Stdout = b.stderr
	b.cmd.Stderr = b.stderr
	setProcessGroup(b.cmd)
	if err := b.cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("%w: %s: %v", ErrBrowserStart, path, err)
	}
	go func() {
		_ = b.cmd.Wait() // the exit status says nothing useful after we kill it
		close(b.exited)
	}()

	startCtx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if err := b.connect(startCtx); err != nil {
		b.Close()
		return nil, err
	}
	scale := opts.Scale
	if scale <= 0 {
		scale = 1
	}
	// The window size flag includes the browser's frame in some versions:
	// set the viewport itself so pages and screenshots are exactly w×h.
	if _, err := b.Call(startCtx, "Emulation.setDeviceMetricsOverride", map[string]any{
		"width": w, "height": h, "deviceScaleFactor": scale, "mobile": false,
	}); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// connect waits for DevToolsActivePort, finds the page target and opens
// its websocket.
func (b *Browser) connect(ctx context.Context) error {
	port, err := b.waitPort(ctx)
	if err != nil {
		return err
	}
	wsURL, err := pageTarget(ctx, port)
	if err != nil {
		return err
	}
	cfg, err := websocket.NewConfig(wsURL, allowedOrigin)
	if err != nil {
		return fmt.Errorf("cdp: websocket config: %w", err)
	}
	ws, err := cfg.DialContext(ctx)
	if err != nil {
		return fmt.Errorf("cdp: connect to %s: %w", wsURL, err)
	}
	ws.MaxPayloadBytes = 64 << 20 // screenshots arrive base64-encoded in one message
	b.ws = ws
	go b.readLoop()
	return nil
}

func (b *Browser) waitPort(ctx context.Context) (int, error) {
	file := filepath.Join(b.dir, "DevToolsActivePort")
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		// The file holds the port on its first line and the browser
		// target's path on the second; it is written once DevTools listens.
		if data, err := os.ReadFile(file); err == nil {
			first, _, found := strings.Cut(string(data), "\n")
			if port, err := strconv.Atoi(strings.TrimSpace(first)); err == nil && port > 0 && found {
				return port, nil
			}
		}
		select {
		case <-b.exited:
			return 0, fmt.Errorf("%w: the process exited: %s", ErrBrowserStart, b.stderr.String())
		case <-ctx.Done():
			return 0, fmt.Errorf("%w: no DevToolsActivePort: %v: %s", ErrBrowserStart, ctx.Err(), b.stderr.String())
		case <-tick.C:
		}
	}
}

// pageTarget returns the websocket URL of the first page target, waiting
// for about:blank's page to appear.
func pageTarget(ctx context.Context, port int) (string, error) {
	listURL := fmt.Sprintf("http://127.0.0.1:%d/json/list", port)
	var lastErr error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, listURL, nil)
		if err != nil {
			return "", fmt.Errorf("cdp: target list: %w", err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			var targets []struct {
				Type                 string `json:"type"`
				WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
			}
			err = json.NewDecoder(resp.Body).Decode(&targets)
			resp.Body.Close()
			if err == nil {
				for _, t := range targets {
					if t.Type == "page" && t.WebSocketDebuggerURL != "" {
						return t.WebSocketDebuggerURL, nil
					}
				}
				err = errors.New("no page target yet")
			}
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("cdp: target list: %v (last: %v)", ctx.Err(), lastErr)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// readLoop hands every answer to the call waiting for it; events are
// ignored (callers poll the page instead).
func (b *Browser) readLoop() {
	defer close(b.readEnd)
	for {
		var data []byte
		if err := websocket.Message.Receive(b.ws, &data); err != nil {
			b.mu.Lock()
			b.readErr = fmt.Errorf("cdp: connection lost: %w", err)
			for id, ch := range b.pending {
				ch <- reply{Err: b.readErr}
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var msg struct {
			ID     int64           `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
				Data    string `json:"data"`
			} `json:"error"`
		}
		if json.Unmarshal(data, &msg) != nil || msg.ID == 0 {
			continue
		}
		b.mu.Lock()
		ch, ok := b.pending[msg.ID]
		delete(b.pending, msg.ID)
		b.mu.Unlock()
		if !ok {
			continue
		}
		r := reply{Result: msg.Result}
		if msg.Error != nil {
			r.Err = fmt.Errorf("cdp: %s (%d) %s", msg.Error.Message, msg.Error.Code, msg.Error.Data)
		}
		ch <- r // buffered: never blocks
	}
}

// Call sends one DevTools command and returns its result.
func (b *Browser) Call(ctx context.Context, method string, params any) (json.RawMessage, error) {
	b.mu.Lock()
	if b.readErr != nil {
		err := b.readErr
		b.mu.Unlock()
		return nil, err
	}
	b.nextID++
	id := b.nextID
	ch := make(chan reply, 1)
	b.pending[id] = ch
	b.mu.Unlock()

	if params == nil {
		params = struct{}{}
	}
	msg, err := json.Marshal(struct {
		ID     int64  `json:"id"`
		Method string `json:"method"`
		Params any    `json:"params"`
	}{id, method, params})
	if err != nil {
		b.forget(id)
		return nil, fmt.Errorf("cdp: %s: %w", method, err)
	}
	b.writeMu.Lock()
	err = websocket.Message.Send(b.ws, string(msg))
	b.writeMu.Unlock()
	if err != nil {
		b.forget(id)
		return nil, fmt.Errorf("cdp: %s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, fmt.Errorf("cdp: %s: %w", method, r.Err)
		}
		return r.Result, nil
	case <-ctx.Done():
		b.forget(id)
		return nil, fmt.Errorf("cdp: %s: %w", method, ctx.Err())
	}
}

func (b *Browser) forget(id int64) {
	b.mu.Lock()
	delete(b.pending, id)
	b.mu.Unlock()
}

// Navigate loads url in the page and waits until the document has loaded.
func (b *Browser) Navigate(ctx context.Context, url string) error {
	res, err := b.Call(ctx, "Page.navigate", map[string]string{"url": url})
	if err != nil {
		return err
	}
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	if err := json.Unmarshal(res, &nav); err != nil {
		return fmt.Errorf("cdp: navigate: %w", err)
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("cdp: navigate to %s: %s", url, nav.ErrorText)
	}
	// Page.navigate answers once the response has arrived; wait for the load
	// of the new document (its URL, not about:blank's, and complete).
	cond := fmt.Sprintf("document.readyState === 'complete' && location.href !== 'about:blank' || %t", url == "about:blank")
	return b.WaitJS(ctx, cond, 15*time.Second)
}

// Eval evaluates js in the page, awaiting a promise result, and returns
// the value as JSON ("null" for undefined). A thrown exception is an error.
func (b *Browser) Eval(ctx context.Context, js string) (json.RawMessage, error) {
	res, err := b.Call(ctx, "Runtime.evaluate", map[string]any{
		"expression":    js,
		"returnByValue": true,
		"awaitPromise":  true,
	})
	if err != nil {
		return nil, err
	}
	var out struct {
		Result struct {
			Type        string          `json:"type"`
			Value       json.RawMessage `json:"value"`
			Description string          `json:"description"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(res, &out); err != nil {
		return nil, fmt.Errorf("cdp: evaluate: %w", err)
	}
	if ex := out.ExceptionDetails; ex != nil {
		msg := ex.Exception.Description
		if msg == "" {
			msg = ex.Text
		}
		return nil, fmt.Errorf("cdp: evaluate: %s", msg)
	}
	if len(out.Result.Value) == 0 {
		return json.RawMessage("null"), nil
	}
	return out.Result.Value, nil
}

// WaitJS polls the JavaScript expression cond until it is truthy, the
// timeout passes or ctx ends. The error names cond and the last failure.
func (b *Browser) WaitJS(ctx context.Context, cond string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	expr := "!!(" + cond + ")"
	var last error
	for {
		v, err := b.Eval(ctx, expr)
		if err == nil && bytes.Equal(v, []byte("true")) {
			return nil
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			if last != nil {
				return fmt.Errorf("cdp: waiting for %s: %w (last error: %v)", cond, ctx.Err(), last)
			}
			return fmt.Errorf("cdp: waiting for %s: %w", cond, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Screenshot captures the visible page as PNG.
func (b *Browser) Screenshot(ctx context.Context) ([]byte, error) {
	res, err := b.Call(ctx, "Page.captureScreenshot", map[string]any{"format": "png"})
	if err != nil {
		return nil, err
	}
	var out struct {
		Data string `json:"data"`
	}
	if err := json.Unmarshal(res, &out); err != nil {
		return nil, fmt.Errorf("cdp: screenshot: %w", err)
	}
	png, err := base64.StdEncoding.DecodeString(out.Data)
	if err != nil {
		return nil, fmt.Errorf("cdp: screenshot: %w", err)
	}
	return png, nil
}

// Close kills the browser and every process it started, waits for it to
// exit and removes its profile directory. It is safe to call more than once.
func (b *Browser) Close() {
	b.closeOnce.Do(func() {
		if b.ws != nil {
			// Ask first: a browser that closes itself reaps its own
			// renderers, where a killed one leaves them to init.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, err := b.Call(ctx, "Browser.close", nil)
			if err == nil {
				select {
				case <-b.exited:
				case <-ctx.Done():
				}
			}
			cancel()
			_ = b.ws.Close() // the process is killed next anyway
		}
		killProcessGroup(b.cmd)
		select {
		case <-b.exited:
		case <-time.After(10 * time.Second):
			// A process that survives SIGKILL this long is stuck in the
			// kernel; leave it rather than hang the caller.
		}
		if b.ws != nil {
			<-b.readEnd
		}
		_ = os.RemoveAll(b.dir) // best effort: a leftover temp dir is harmless
	})
}

// tailBuffer keeps the last max bytes written, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
