package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ajel-news/ajel/internal/textcut"
)

// healthTimeout bounds `ajel healthcheck`.
const healthTimeout = 5 * time.Second

// cmdHealthcheck asks a running Ajel's /healthz (at HTTP_ADDR, or --url)
// and exits 0 when it answers 200, 1 otherwise with one line saying why:
// the container image's HEALTHCHECK, which has no curl.
func (c cli) cmdHealthcheck(ctx context.Context, args []string) error {
	fs := newFlagSet("healthcheck")
	target := fs.String("url", "", "the /healthz to ask (default: http://HTTP_ADDR/healthz)")
	if pos, err := parseArgs(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: healthcheck takes no argument but --url", errUsage)
	}
	if *target == "" {
		cfg, err := c.loadConfig()
		if err != nil {
			return err
		}
		if cfg.HTTPAddr == "" {
			return fmt.Errorf("healthcheck: HTTP_ADDR is empty: there is no /healthz to ask")
		}
		host, port, err := net.SplitHostPort(cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("healthcheck: HTTP_ADDR %q: %w", cfg.HTTPAddr, err)
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1" // listening on every address: ask it here
		}
		*target = "http://" + net.JoinHostPort(host, port) + "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %s did not answer: %w", *target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s: %s", *target, resp.Status, textcut.Line(strings.TrimSpace(string(body)), 300))
	}
	fmt.Fprintf(c.stdout, "healthy: %s\n", *target)
	return nil
}
