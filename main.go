// Command ajel is the Ajel (عاجل) Telegram bot: it watches Arabic news
// sources and pushes "أخبار عاجلة" summaries to the chats that subscribed to
// a topic. This package only parses the command line and wires the other
// packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ajel-news/ajel/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

const usage = `Ajel (عاجل) pushes Arabic breaking news to Telegram subscribers.

Usage:
  ajel [run]                       run the bot (needs TELEGRAM_BOT_TOKEN; see .env.example)
  ajel demo [--duration D] [--db PATH]
                                   the whole bot with a fake Telegram and sample news: no token, no network
  ajel preview SOURCE [--json]     what would be pushed for each item of a feed (its URL, a site's address, a file)
  ajel feeds import FILE.opml      add the feeds of an OPML file (beside a running bot too)
  ajel feeds export [--output F]   every feed, its name and options, as OPML (standard output by default)
  ajel healthcheck [--url URL]     ask the running bot's /healthz (exit 0 when healthy): the container's HEALTHCHECK
  ajel summarize [--sentences N] [--max-chars N] [--keywords k1,k2]
                                   JSON Lines articles on stdin → summaries and topics on stdout
  ajel backup PATH                 a consistent copy of the database while the bot runs
  ajel version                     print the version
`

// cli is what a command gets from the outside world; tests fill it in.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// loadConfig reads the environment (and .env).
	loadConfig func() (config.Config, error)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	c := cli{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		loadConfig: func() (config.Config, error) { return config.LoadEnv(".env") },
	}
	code := c.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// errUsage marks a command line that could not be understood.
var errUsage = errors.New("usage")

func (c cli) run(ctx context.Context, args []string) int {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "run":
		err = c.cmdRun(ctx, args)
	case "demo":
		err = c.cmdDemo(ctx, args)
	case "preview":
		err = c.cmdPreview(ctx, args)
	case "summarize":
		err = c.cmdSummarize(ctx, args)
	case "backup":
		err = c.cmdBackup(ctx, args)
	case "feeds":
		err = c.cmdFeeds(ctx, args)
	case "healthcheck":
		err = c.cmdHealthcheck(ctx, args)
	case "version", "--version", "-v":
		fmt.Fprintln(c.stdout, "ajel", version)
	case "help", "--help", "-h":
		fmt.Fprint(c.stdout, usage)
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(c.stderr, "ajel: %v\n\n%s", err, usage)
		return exitUsage
	case errors.Is(err, config.ErrNoToken):
		fmt.Fprintln(c.stderr, "ajel:", err)
		return exitUsage
	default:
		fmt.Fprintln(c.stderr, "ajel:", err)
		return exitError
	}
}
