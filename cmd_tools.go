package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ajel-news/ajel/analyze"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/feed/discover"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/pipeline"
	"github.com/ajel-news/ajel/summary"
	"github.com/ajel-news/ajel/topic"
)

// previewItem is one line of `ajel preview --json`.
type previewItem struct {
	Title    string   `json:"title"`
	Summary  string   `json:"summary"`
	Topics   []string `json:"topics"`
	Breaking bool     `json:"breaking"`
	URL      string   `json:"url,omitempty"`
	Source   string   `json:"source,omitempty"`
	// Pushed says whether the bot would push the item (to the readers of
	// its topics and keywords); Held says why not: language, old, future,
	// over_limit, or invalid (no title).
	Pushed bool   `json:"pushed"`
	Held   string `json:"held,omitempty"`
}

// heldInvalid is preview's reason for an item the bot cannot store at
// all (it has no title).
const heldInvalid = "invalid"

// pushRules are the pipeline's options that decide what is pushed and how
// an item reads, shared by the bot and `ajel preview`, so that the preview
// says what the bot does.
func pushRules(cfg config.Config, an *analyze.Analyzer) pipeline.Options {
	return pipeline.Options{Analyzer: an, MaxItemAge: cfg.MaxItemAge, Screen: analyze.Screen}
}

// previewStore is the pipeline's store for `ajel preview`: it keeps what
// the pipeline would store, and whether it would push it, in memory.
type previewStore struct {
	saved map[string]news.Article
	push  map[string]bool
}

func (s *previewStore) SaveArticle(_ context.Context, a news.Article, push bool) (news.Article, int, error) {
	if _, ok := s.saved[a.Key]; ok {
		return news.Article{}, 0, fmt.Errorf("preview: item %s twice: %w", a.Key, news.ErrAlreadyExists)
	}
	s.saved[a.Key], s.push[a.Key] = a, push
	return a, 0, nil
}

func (s *previewStore) KeywordSubscriptions(context.Context) ([]string, error) { return nil, nil }

func (s *previewStore) UnknownItems(_ context.Context, _ int64, keys []string) (map[string]bool, error) {
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out, nil
}

func (s *previewStore) RecordPage(context.Context, int64, string) error { return nil }

func (c cli) cmdPreview(ctx context.Context, args []string) error {
	fs := newFlagSet("preview")
	asJSON := fs.Bool("json", false, "JSON Lines output")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: preview needs one SOURCE: a feed URL or a feed file, and the feed's options if any (lang=any)", errUsage)
	}
	// The source and its options, as a FEEDS entry has them.
	src, opts, err := news.ParseFeedEntry(strings.Join(pos, " "))
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	catalogue, err := topic.Load(cfg.TopicsFile)
	if err != nil {
		return err
	}
	var res *feed.Result
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		// The operator asked for this URL by hand: private addresses are fine.
		f := feed.NewFetcher(feed.Options{UserAgent: feed.UserAgent(version), AllowPrivate: true})
		// A site's address previews the feed its page links to, as
		// /addfeed and FEEDS take it.
		search, ferr := discover.New(f, discover.Options{}).Find(ctx, src)
		if ferr != nil {
			return fmt.Errorf("preview %s: %w", src, ferr)
		}
		if !search.Direct {
			note := c.stdout
			if *asJSON {
				note = c.stderr
			}
			fmt.Fprintf(note, "%s is a web page; its feed: %s", src, search.Feeds[0].URL)
			if n := len(search.Feeds); n > 1 {
				fmt.Fprintf(note, " (the first of %d it links to:", n)
				for _, l := range search.Feeds[1:] {
					fmt.Fprintf(note, " %s", l.URL)
				}
				fmt.Fprint(note, ")")
			}
			fmt.Fprintln(note)
			src = search.Feeds[0].URL
		}
		res, err = f.Fetch(ctx, news.Feed{URL: src})
	} else {
		var file *os.File
		if file, err = os.Open(src); err != nil {
			return fmt.Errorf("preview: %w", err)
		}
		defer file.Close()
		res, err = feed.Parse(file, "", 0)
	}
	if err != nil {
		return fmt.Errorf("preview %s: %w", src, err)
	}
	// Exactly the path and the decisions of the bot's pipeline, for a poll
	// of an added feed in which every item is new (a feed's first poll
	// only records its items; the preview shows what comes after).
	an := analyze.New(catalogue, analyze.Options{})
	store := &previewStore{saved: map[string]news.Article{}, push: map[string]bool{}}
	fd := news.Feed{ID: 1, URL: src, Title: res.Title, Primed: true}
	opts.Apply(&fd)
	if _, err := pipeline.New(store, pushRules(cfg, an)).HandleItems(ctx, fd, res.Items, true); err != nil {
		return fmt.Errorf("preview %s: %w", src, err)
	}
	out := bufio.NewWriter(c.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	if !*asJSON {
		fmt.Fprintf(out, "%s: %d items\n\n", orDefault(res.Title, src), len(res.Items))
	}
	for _, it := range res.Items {
		a, ok := store.saved[it.Key]
		var item previewItem
		if ok {
			item = previewItem{Title: a.Title, Summary: a.Summary, Topics: nonNil(a.Topics), Breaking: a.Breaking, URL: a.URL,
				Source: a.Source, Pushed: store.push[it.Key], Held: string(a.Held)}
		} else {
			// Refused by the analysis (no title): the bot skips it.
			_, err := an.Analyze(it)
			if !*asJSON {
				fmt.Fprintf(out, "(skipped: %v)\n\n", err)
				continue
			}
			item = previewItem{Title: it.Title, Topics: []string{}, URL: it.URL, Source: orDefault(it.Source, res.Title), Held: heldInvalid}
		}
		if *asJSON {
			if err := enc.Encode(item); err != nil {
				return err
			}
			continue
		}
		mark := "📰"
		if item.Breaking {
			mark = "🔴 عاجل"
		}
		fmt.Fprintf(out, "%s %s\n%s\n", mark, item.Title, item.Summary)
		fmt.Fprintf(out, "topics: %s · %s\n", strings.Join(topicNames(catalogue, item.Topics), "، "), item.URL)
		if item.Pushed {
			fmt.Fprint(out, "pushed\n\n")
		} else {
			fmt.Fprintf(out, "not pushed: %s\n\n", item.Held)
		}
	}
	return nil
}

func topicNames(c *topic.Catalogue, slugs []string) []string {
	names := make([]string, 0, len(slugs))
	for _, s := range slugs {
		if t, ok := c.BySlug(s); ok {
			names = append(names, t.Name)
		}
	}
	if len(names) == 0 {
		names = append(names, "—")
	}
	return names
}

// summarizeIn is one line of `ajel summarize` input.
type summarizeIn struct {
	ID        json.RawMessage `json:"id"`
	Title     string          `json:"title"`
	Text      string          `json:"text"`
	Source    string          `json:"source"`
	URL       string          `json:"url"`
	Published string          `json:"published"`
}

// summarizeOut is one line of `ajel summarize` output.
type summarizeOut struct {
	ID       json.RawMessage `json:"id"`
	Summary  string          `json:"summary"`
	Topics   []string        `json:"topics"`
	Breaking bool            `json:"breaking"`
	Keywords *[]string       `json:"keywords,omitempty"`
}

func (c cli) cmdSummarize(ctx context.Context, args []string) error {
	fs := newFlagSet("summarize")
	sentences := fs.Int("sentences", summary.DefaultMaxSentences, "at most this many sentences (1-3 is usual)")
	maxChars := fs.Int("max-chars", summary.DefaultMaxChars, "at most this many characters")
	keywords := fs.String("keywords", "", "comma-separated keywords to match")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: summarize reads JSON Lines on stdin and takes no file argument", errUsage)
	}
	if *sentences < 1 || *maxChars < 1 {
		return fmt.Errorf("%w: --sentences and --max-chars must be at least 1", errUsage)
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	catalogue, err := topic.Load(cfg.TopicsFile)
	if err != nil {
		return err
	}
	// Exactly the path the bot's pipeline takes each article through.
	an := analyze.New(catalogue, analyze.Options{Summary: summary.Options{MaxSentences: *sentences, MaxChars: *maxChars}})
	var matching bool
	if *keywords != "" {
		var ks []string
		for _, k := range strings.Split(*keywords, ",") {
			if k = strings.TrimSpace(k); k != "" {
				ks = append(ks, k)
			}
		}
		an.SetKeywords(ks)
		matching = true
	}
	in := bufio.NewScanner(c.stdin)
	in.Buffer(make([]byte, 64<<10), 16<<20)
	out := bufio.NewWriter(c.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var bad int
	for line := 1; in.Scan(); line++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		raw := strings.TrimSpace(in.Text())
		if raw == "" {
			continue
		}
		var a summarizeIn
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			bad++
			fmt.Fprintf(c.stderr, "ajel summarize: line %d: not a JSON object: %v\n", line, err)
			continue
		}
		if a.Published != "" {
			if _, err := time.Parse(time.RFC3339, a.Published); err != nil {
				fmt.Fprintf(c.stderr, "ajel summarize: line %d: published %q is not RFC 3339; ignored\n", line, a.Published)
			}
		}
		art := news.Article{Title: a.Title, Text: a.Text, Source: a.Source}
		art.Identify(string(a.ID), a.URL) // as the bot would know it
		prepared, err := an.Analyze(art)
		if err != nil {
			bad++
			fmt.Fprintf(c.stderr, "ajel summarize: line %d: not an article the bot would push (it needs a title)\n", line)
			continue
		}
		o := summarizeOut{
			ID:       orNull(a.ID),
			Summary:  prepared.Summary,
			Topics:   nonNil(prepared.Topics),
			Breaking: prepared.Breaking,
		}
		if matching {
			ks := nonNil(prepared.Keywords)
			o.Keywords = &ks
		}
		if err := enc.Encode(o); err != nil {
			return err
		}
	}
	if err := in.Err(); err != nil {
		return fmt.Errorf("summarize: reading stdin: %w", err)
	}
	if bad > 0 {
		return errors.New("summarize: " + fmt.Sprint(bad) + " input lines were not articles (see above)")
	}
	return nil
}

func orNull(m json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return json.RawMessage("null")
	}
	return m
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
