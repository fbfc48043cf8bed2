package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/telegram"
)

// newLogger is the one slog setup: text to stderr at the configured level,
// with the given secrets replaced in every attribute, so a token that slips
// into an error never reaches a log line.
func newLogger(w io.Writer, level slog.Level, secrets ...string) *slog.Logger {
	var live []string
	for _, s := range secrets {
		if s != "" {
			live = append(live, s)
		}
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if len(live) == 0 || a.Value.Kind() == slog.KindGroup {
				return a
			}
			s := a.Value.String()
			changed := false
			for _, secret := range live {
				if strings.Contains(s, secret) {
					s, changed = strings.ReplaceAll(s, secret, "<redacted>"), true
				}
			}
			if changed {
				a.Value = slog.StringValue(s)
			}
			return a
		},
	}))
}

// parseArgs parses flags that may come before or after positional
// arguments (`ajel preview feed.xml --json`).
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional, args = append(positional, args[0]), args[1:]
	}
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func (c cli) cmdRun(ctx context.Context, args []string) error {
	if _, err := parseArgs(newFlagSet("run"), args); err != nil {
		return err
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	if err := cfg.RequireToken(); err != nil {
		return err
	}
	log := newLogger(c.stderr, cfg.LogLevel, cfg.TelegramToken, cfg.IngestToken,
		cfg.WebhookSecret, telegram.WebhookSecret(cfg.TelegramToken, ""))
	a, err := newApp(ctx, cfg, log, appOptions{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.addFeeds(ctx, cfg.Feeds, cfg.FeedOptions); err != nil {
		return err
	}
	err = a.run(ctx)
	log.Info("ajel stopped")
	return err
}

func (c cli) cmdBackup(ctx context.Context, args []string) error {
	pos, err := parseArgs(newFlagSet("backup"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: backup needs one PATH to write the copy to", errUsage)
	}
	dst := pos[0]
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("backup: %s already exists; Ajel never overwrites a file: choose a new path", dst)
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	if _, err := os.Stat(cfg.DatabasePath); err != nil {
		return fmt.Errorf("backup: no database at %s (DATABASE_PATH): %w", cfg.DatabasePath, err)
	}
	db, err := storage.Open(ctx, cfg.DatabasePath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, dst); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "backup of %s written to %s\n", cfg.DatabasePath, dst)
	return nil
}
