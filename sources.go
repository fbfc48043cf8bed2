package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/feed/discover"
	"github.com/ajel-news/ajel/internal/parallel"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/opml"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/topic"
)

// The wiring of sources (issue 24): FEEDS entries that are a site's
// address, the bot's OPML import and export, and `ajel feeds import` and
// `ajel feeds export`, which work beside a running bot.

// findAtOnce is how many FEEDS entries are looked at the same time at a
// first start.
const findAtOnce = 8

// addFeeds records the FEEDS of the configuration. An entry already known
// (its address is a feed's, or the page a feed was found from) keeps its
// feed, with the options the entry names, if any. A new entry is looked
// at first: a feed is added; a site's page adds the feed it links to (the
// first, when it links several: the entry may name the feed instead); a
// page with no feed stops the start with one line naming the entry, as
// does a country= that is no place of the catalogue, before any feed is
// added. An entry that cannot be reached now is added as it is: it may
// be a feed that is down, and its polls and the alerts will say.
func (a *app) addFeeds(ctx context.Context, urls []string, options map[string]news.FeedOptions) error {
	resolved := make(map[string]news.FeedOptions, len(options))
	for _, u := range urls {
		opts := options[u]
		if c := opts.Country; c != "" && c != news.CountryNone {
			place, ok := a.catalogue.Place(c)
			if !ok {
				return fmt.Errorf("config: %s entry %q: country=%q is not a place of the topic catalogue: use a place's slug such as morocco (see /topics or TOPICS_FILE), or country=none",
					config.EnvFeeds, redactedURL(u), c)
			}
			opts.Country = place.Slug
		}
		resolved[u] = opts
	}
	known := map[string]news.Feed{}
	var unknown []string
	for _, u := range urls {
		f, err := a.db.FeedByAddress(ctx, u)
		switch {
		case err == nil:
			known[u] = f
		case errors.Is(err, news.ErrNotFound):
			unknown = append(unknown, u)
		default:
			return err
		}
	}
	found, err := a.findFeeds(ctx, unknown)
	if err != nil {
		return err
	}
	for _, u := range urls {
		opts := resolved[u]
		if f, ok := known[u]; ok {
			if opts.Apply(&f) {
				if _, err := a.db.SetFeedOptions(ctx, f.ID, opts); err != nil {
					return err
				}
			}
			continue
		}
		nf := found[u]
		opts.Apply(&nf)
		f, err := a.db.AddFeed(ctx, nf)
		switch {
		case errors.Is(err, news.ErrAlreadyExists):
			// Two entries for one feed (a site and its feed): the first
			// entry's options stand, the second's are added to them.
			if opts.Apply(&f) {
				if _, err := a.db.SetFeedOptions(ctx, f.ID, opts); err != nil {
					return err
				}
			}
		case err != nil:
			return err
		}
	}
	return nil
}

// findFeeds looks at new FEEDS entries, a few at a time, and returns the
// feed to add for each: the entry itself when it is a feed (or cannot be
// reached now), else the first feed its page links to. A page with no
// feed, or an internal address, is an error naming the entry (the first
// such entry).
func (a *app) findFeeds(ctx context.Context, entries []string) (map[string]news.Feed, error) {
	out := make(map[string]news.Feed, len(entries))
	errs := make([]error, len(entries))
	feeds := make([]news.Feed, len(entries))
	parallel.For(len(entries), findAtOnce, func(i int) {
		u := entries[i]
		search, err := a.finder.Find(ctx, u)
		f := news.Feed{URL: u}
		switch {
		case err == nil:
			l := search.Feeds[0]
			f = news.Feed{URL: l.URL, Title: l.Title}
			if l.URL != u {
				f.PageURL = u
			}
			if !search.Direct {
				a.log.Info("FEEDS entry is a site's page: its feed is added", "entry", redactedURL(u), "feed", redactedURL(l.URL),
					"feeds_on_page", len(search.Feeds))
			}
		case errors.Is(err, news.ErrNoFeed):
			errs[i] = fmt.Errorf("config: %s entry %q is a web page with no feed: it links to no RSS, Atom or JSON Feed and none answers at %s; give the feed's own address",
				config.EnvFeeds, redactedURL(u), strings.Join(discover.UsualPaths, ", "))
		case errors.Is(err, news.ErrPrivateAddress):
			errs[i] = fmt.Errorf("config: %s entry %q: %w (ALLOW_PRIVATE_FEEDS=true allows internal addresses)", config.EnvFeeds, redactedURL(u), err)
		case errors.Is(err, news.ErrBadURL):
			errs[i] = fmt.Errorf("config: %s entry %q: %w", config.EnvFeeds, redactedURL(u), err)
		case ctx.Err() != nil:
			errs[i] = ctx.Err()
		default:
			a.log.Warn("FEEDS entry could not be looked at now; it is added as a feed, and its polls will say what is wrong",
				"entry", redactedURL(u), "err", err)
		}
		feeds[i] = f
	})
	for i, u := range entries {
		if errs[i] != nil {
			return nil, errs[i] // the first in FEEDS' order: the start stops with one line
		}
		out[u] = feeds[i]
	}
	return out, nil
}

// importCheck is the check of each outline of an OPML file, for the bot
// and the command line alike: an http(s) address that is not internal
// (unless ALLOW_PRIVATE_FEEDS) and whose host resolves, and a country=
// that is a place of the catalogue (kept as its slug).
func importCheck(cfg config.Config, catalogue *topic.Catalogue) opml.Check {
	return func(ctx context.Context, e *opml.Entry) error {
		if err := feed.ValidateURL(ctx, e.URL, cfg.AllowPrivateFeeds); err != nil {
			return err
		}
		if c := e.Options.Country; c != "" && c != news.CountryNone {
			place, ok := catalogue.Place(c)
			if !ok {
				return &news.FeedOptionError{Key: "country", Value: c, Usage: "<place>|" + news.CountryNone}
			}
			e.Options.Country = place.Slug
		}
		return nil
	}
}

// FindFeeds says what an address /addfeed was given is (feed/discover).
func (f feedAdmin) FindFeeds(ctx context.Context, rawURL string) (news.FeedSearch, error) {
	return f.app.finder.Find(ctx, rawURL)
}

// ImportOPML adds the feeds of an OPML file an admin sent.
func (f feedAdmin) ImportOPML(ctx context.Context, data []byte) (news.ImportReport, error) {
	return opml.Import(ctx, bytes.NewReader(data), f.app.db, importCheck(f.app.cfg, f.app.catalogue))
}

// ExportOPML writes every feed as OPML for /export.
func (f feedAdmin) ExportOPML(ctx context.Context) ([]byte, error) {
	feeds, err := f.app.db.Feeds(ctx)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = opml.Write(&b, feeds, time.Now())
	return b.Bytes(), err
}

const feedsUsage = "feeds needs import FILE.opml or export [--output FILE]"

// cmdFeeds is `ajel feeds import FILE.opml` and `ajel feeds export`. Both
// open the database as `ajel backup` does, without the instance lock, so
// they work beside a running bot (SQLite's WAL and busy timeout share the
// file); the bot's poller finds imported feeds at its next look.
func (c cli) cmdFeeds(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, feedsUsage)
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("feeds " + sub)
	output := fs.String("output", "", "write the OPML to this file (default: standard output)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch {
	case sub == "import" && len(pos) == 1 && *output == "":
	case sub == "export" && len(pos) == 0:
	default:
		return fmt.Errorf("%w: %s", errUsage, feedsUsage)
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	if sub == "import" {
		return c.importFeeds(ctx, cfg, pos[0])
	}
	db, err := storage.Open(ctx, cfg.DatabasePath)
	if err != nil {
		return err
	}
	defer db.Close()
	feeds, err := db.Feeds(ctx)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := opml.Write(&b, feeds, time.Now()); err != nil {
		return err
	}
	if *output == "" {
		_, err = c.stdout.Write(b.Bytes())
		return err
	}
	if _, err := os.Stat(*output); err == nil {
		return fmt.Errorf("feeds export: %s already exists; Ajel never overwrites a file: choose a new path", *output)
	}
	if err := os.WriteFile(*output, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("feeds export: %w", err)
	}
	fmt.Fprintf(c.stderr, "%d feeds written to %s\n", len(feeds), *output)
	return nil
}

// importFeeds is `ajel feeds import FILE.opml`: it prints what was
// added, what was there, and each outline refused and why.
func (c cli) importFeeds(ctx context.Context, cfg config.Config, path string) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("feeds import: %w", err)
	}
	defer file.Close()
	catalogue, err := topic.Load(cfg.TopicsFile)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, cfg.DatabasePath)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := opml.Import(ctx, file, db, importCheck(cfg, catalogue))
	if err != nil {
		return fmt.Errorf("feeds import %s: %w (nothing was imported)", path, err)
	}
	fmt.Fprintf(c.stdout, "added %d, already known %d", len(rep.Added), len(rep.Known))
	if rep.Repeated > 0 {
		fmt.Fprintf(c.stdout, ", listed twice %d", rep.Repeated)
	}
	fmt.Fprintf(c.stdout, ", refused %d\n", len(rep.Refused))
	for _, f := range rep.Added {
		fmt.Fprintf(c.stdout, "  + #%d %s %s\n", f.ID, f.URL, f.SourceName())
	}
	for _, r := range rep.Refused {
		what := r.URL
		if what == "" {
			what = fmt.Sprintf("%q", r.Name)
		}
		fmt.Fprintf(c.stdout, "  - %s: %v\n", what, r.Err)
	}
	return nil
}
