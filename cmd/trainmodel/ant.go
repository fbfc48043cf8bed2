package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/corpus"
	"github.com/ajel-news/ajel/topic"
)

// antArticle is one article of the ANT corpus, as the commands read it.
type antArticle struct {
	Source, Category, URL, Title, Abstract, Text string
}

// teaser is what a feed would carry of an ANT article: its outlet's
// abstract (mostly the first sentence), else the text's first sentence.
func (a antArticle) teaser() string {
	if a.Abstract != "" {
		return a.Abstract
	}
	if s := arabic.Sentences(a.Text); len(s) > 0 {
		return s[0]
	}
	return ""
}

// antDocs are the training documents of an ANT corpus: each article as a
// feed carries it (headline and teaser) with the classes ANTClasses gives,
// and, with whole, also its whole text as a second document of that class
// (the model reads article pages too). outlets[i] is docs[i]'s outlet.
type antDocs struct {
	articles []antArticle
	classes  [][]string    // topic.ANTClasses of each article
	short    [][]topic.Doc // headline and teaser, a document per class
	long     [][]topic.Doc // headline and text
	// shortTerms and longTerms are each article's terms, headline and
	// teaser, headline and text.
	shortTerms, longTerms [][]string
	outlets               []string
}

// readANT reads the corpus and turns each article into the model's terms
// (cl.ModelTerms), in parallel (reading the words is most of the work),
// keeping file order.
func readANT(ctx context.Context, path string, cl *topic.Classifier) (*antDocs, error) {
	var recs []antArticle
	err := corpus.Each(path, func(_ int, r antArticle) bool {
		if topic.ANTSection(r.Category) != "" {
			recs = append(recs, r)
		}
		return ctx.Err() == nil
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("trainmodel: %w", err)
	}
	n := len(recs)
	d := &antDocs{articles: recs, classes: make([][]string, n), short: make([][]topic.Doc, n), long: make([][]topic.Doc, n),
		shortTerms: make([][]string, n), longTerms: make([][]string, n), outlets: make([]string, n)}
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(recs); i += workers {
				if ctx.Err() != nil {
					return
				}
				r := recs[i]
				d.classes[i] = topic.ANTClasses(r.Category, r.Title, r.teaser())
				short, long := cl.ModelTerms(r.Title, r.teaser()), cl.ModelTerms(r.Title, r.Text)
				d.shortTerms[i], d.longTerms[i] = short, long
				for _, c := range d.classes[i] {
					d.short[i] = append(d.short[i], topic.Doc{Class: c, Terms: short})
					d.long[i] = append(d.long[i], topic.Doc{Class: c, Terms: long})
				}
				d.outlets[i] = r.Source
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

// docs returns the training documents, leaving out the outlet held ("" for
// none).
func (d *antDocs) docs(held string, whole bool) []topic.Doc {
	var out []topic.Doc
	for i, doc := range d.short {
		if d.outlets[i] == held {
			continue
		}
		out = append(out, doc...)
		if whole {
			out = append(out, d.long[i]...)
		}
	}
	return out
}
