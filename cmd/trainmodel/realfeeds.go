package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ajel-news/ajel/analyze"
	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/topic"
)

// labelled is one item of the realfeeds set: the article as Ajel parses
// it from its feed, and the hand labels.
type labelled struct {
	Outlet   string
	Article  news.Article
	Places   []string
	Sections []string
}

// readRealFeeds parses every feed file of dir/feeds and joins its items to
// dir/labels.tsv by link.
func readRealFeeds(dir string) ([]labelled, error) {
	byLink := map[string]news.Article{}
	files, err := filepath.Glob(filepath.Join(dir, "feeds", "*.xml"))
	if err != nil {
		return nil, err
	}
	for _, path := range files {
		fh, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("trainmodel: %w", err)
		}
		res, err := feed.Parse(fh, "", 0)
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("trainmodel: %s: %w", path, err)
		}
		for _, a := range res.Items {
			if k := news.LinkKey(a.URL); k != "" {
				if _, ok := byLink[k]; !ok {
					byLink[k] = a
				}
			}
		}
	}
	fh, err := os.Open(filepath.Join(dir, "labels.tsv"))
	if err != nil {
		return nil, fmt.Errorf("trainmodel: %w", err)
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	r.Comma = '\t'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	var out []labelled
	for line := 0; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("trainmodel: labels.tsv: %w", err)
		}
		if line == 0 || len(rec) < 6 {
			continue
		}
		a, ok := byLink[news.LinkKey(rec[2])]
		if !ok {
			return nil, fmt.Errorf("trainmodel: labels.tsv line %d: no feed item has the link %s", line+1, rec[2])
		}
		out = append(out, labelled{Outlet: rec[0], Article: a, Places: slugs(rec[4]), Sections: slugs(rec[5])})
	}
	return out, nil
}

func slugs(field string) []string {
	var out []string
	for _, s := range strings.Split(field, ",") {
		if s = strings.TrimSpace(s); s != "" && s != "-" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// rfDocs are labelled items as training documents, one per section (none:
// OtherClass) with the model's terms (cl.ModelTerms) of the headline and
// text the analyzer leaves, and the items as the analyzer cleans them:
// the model trains on what it will read.
func rfDocs(items []labelled, an *analyze.Analyzer, cl *topic.Classifier, weight float64) ([][]topic.Doc, []news.Article, error) {
	out := make([][]topic.Doc, len(items))
	clean := make([]news.Article, len(items))
	for i, it := range items {
		a, err := analyzed(an, it.Article, i)
		if err != nil {
			return nil, nil, err
		}
		clean[i] = a
		terms := cl.ModelTerms(a.Title, a.Text)
		classes := it.Sections
		if len(classes) == 0 {
			classes = []string{topic.OtherClass}
		}
		for _, c := range classes {
			out[i] = append(out[i], topic.Doc{Class: c, Terms: terms, Weight: weight})
		}
	}
	return out, clean, nil
}

// analyzed runs an item through the analyzer the bot uses.
func analyzed(an *analyze.Analyzer, a news.Article, i int) (news.Article, error) {
	if a.Key == "" {
		a.Key = fmt.Sprintf("item-%d", i)
	}
	out, err := an.Analyze(a)
	if err != nil {
		return out, fmt.Errorf("trainmodel: item %q: %w", a.Title, err)
	}
	return out, nil
}

// split sorts an article's topics into places and sections.
func split(c *topic.Catalogue, topics []string) (places, sections []string) {
	for _, s := range topics {
		t, _ := c.BySlug(s)
		if t.Kind == news.TopicPlace {
			places = append(places, s)
		} else {
			sections = append(sections, s)
		}
	}
	slices.Sort(places)
	slices.Sort(sections)
	return places, sections
}
