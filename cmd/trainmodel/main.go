// Command trainmodel trains the section classifier that package topic
// embeds (topic/model.json.gz) and measures it, with the rest of topic
// classification, on data nobody on the project wrote:
//
//   - ANT (../shared/data/ant): 27,549 articles of four outlets filed under
//     six sections. The model learns from each article as a feed carries
//     it (headline and teaser) and as its page reads (headline and text);
//     politics is derived from the news desks (topic.ANTClasses).
//   - realfeeds (../shared/data/realfeeds): 200 items of five outlets'
//     real feeds labelled by hand with places and sections; they train the
//     shipped model too (counting -rfweight documents each), as
//     analyze.Analyze cleans them.
//
// Every text is read through topic.Classifier.ModelTerms, what the
// classifier reads of an article when the bot runs.
//
// With -eval it reports, for outlets the model never trained on:
// realfeeds leave-one-outlet-out (a model trained on ANT and four outlets,
// tested on the fifth, through the analyzer the bot uses): places P/R/F1,
// sections micro- and macro-F1 and each section's F1; and ANT with one
// outlet held out (macro-F1 of its six sections, the two news desks one).
//
//	go run ./cmd/trainmodel -eval                 # figures only
//	go run ./cmd/trainmodel -out topic/model.json.gz
//
// Without ../shared/data it says so and exits 0: a fresh clone has none.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/ajel-news/ajel/analyze"
	"github.com/ajel-news/ajel/internal/corpus"
	"github.com/ajel-news/ajel/topic"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, os.Args[1:], os.Stdout, log); err != nil {
		log.Error("trainmodel failed", "err", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	ant, realfeeds, out  string
	eval, verbose, whole bool
	calibrate            bool // choose the thresholds by cross-validation on outlets
	train                topic.TrainOptions
	rfWeight             float64
	countries            map[string]string // outlet → country= of its feed
}

func run(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("trainmodel", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.ant, "data", corpus.File("ant/ant-dev.jsonl.gz"), "ANT corpus (JSON Lines, gzip)")
	fs.StringVar(&o.realfeeds, "realfeeds", corpus.File("realfeeds"), "labelled real feeds (feeds/*.xml, labels.tsv)")
	fs.StringVar(&o.out, "out", "", "write the model trained on everything to this file (topic/model.json.gz)")
	fs.BoolVar(&o.eval, "eval", false, "print the leave-one-outlet-out figures")
	ambiguous := fs.Int("ambiguous", 0, "list the place words ANT mentions at least this many times with no other word of their place")
	calib := fs.Bool("calibrate", false, "print how often the top class is right by its probability (ANT, outlet held out)")
	fs.BoolVar(&o.verbose, "v", false, "with -eval, list every realfeeds item classified wrongly")
	fs.BoolVar(&o.whole, "whole", true, "train also on ANT's whole articles, not only headline and teaser")
	fs.IntVar(&o.train.MaxFeatures, "features", 12000, "terms the model keeps")
	fs.Float64Var(&o.train.Temper, "temper", 0, "divide term evidence by this before adding the prior (0: default)")
	fs.Float64Var(&o.train.Alpha, "alpha", 0, "additive smoothing (0: default)")
	fs.BoolVar(&o.calibrate, "thresholds", true, "choose the thresholds by cross-validation on outlets (else -top, -second, -extra)")
	fs.Float64Var(&o.train.Thresholds.Top, "top", 0.5, "probability the top class needs")
	fs.Float64Var(&o.train.Thresholds.Second, "second", 0.3, "probability a second class needs")
	fs.Float64Var(&o.train.Thresholds.Extra, "extra", 0.7, "probability a class needs beside the outlet's sections")
	fs.Float64Var(&o.rfWeight, "rfweight", 20, "how many documents a labelled realfeeds item counts for")
	country := fs.String("country", "hespress=morocco", "outlet=slug pairs, comma-separated: the country= an operator gives each outlet's feed")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return fmt.Errorf("trainmodel: %w", err)
	}
	if o.out == "" && !o.eval && !*calib && *ambiguous == 0 {
		return errors.New("trainmodel: nothing to do: give -out FILE, -eval, or both")
	}
	o.countries = map[string]string{}
	for _, pair := range strings.Split(*country, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(pair), "="); ok {
			o.countries[k] = v
		}
	}
	if _, err := os.Stat(o.ant); err != nil {
		fmt.Fprintf(stdout, "skipped: the ANT corpus is not here (%v); a fresh clone has no ../shared/data\n", err)
		return nil
	}
	cat := topic.Embedded()
	features := topic.NewClassifier(cat, nil) // what the model reads of an article
	ant, err := readANT(ctx, o.ant, features)
	if err != nil {
		return err
	}
	log.Info("read ANT", "articles", len(ant.articles), "file", o.ant)
	var items []labelled
	if _, err := os.Stat(o.realfeeds); err == nil {
		if items, err = readRealFeeds(o.realfeeds); err != nil {
			return err
		}
		log.Info("read realfeeds", "items", len(items), "dir", o.realfeeds)
	} else {
		log.Warn("no realfeeds: the model learns from ANT alone and is not measured on real feeds", "dir", o.realfeeds)
	}
	if *calib {
		if err := calibrate(ctx, stdout, ant, o); err != nil {
			return err
		}
	}
	if *ambiguous > 0 {
		if err := findAmbiguous(ctx, stdout, cat, ant, *ambiguous); err != nil {
			return err
		}
	}
	rf, clean, err := rfDocs(items, analyze.New(cat, analyze.Options{}), features, o.rfWeight)
	if err != nil {
		return err
	}
	if o.eval {
		if err := evalANT(ctx, stdout, ant, o); err != nil {
			return err
		}
		if len(items) > 0 {
			if err := evalRealFeeds(stdout, cat, ant, items, clean, rf, o); err != nil {
				return err
			}
		}
	}
	if o.out != "" {
		docs := ant.docs("", o.whole)
		for _, d := range rf {
			docs = append(docs, d...)
		}
		if o.calibrate && len(items) > 0 {
			// Each outlet judged by a model that did not train on it.
			js, err := crossEvidence(cat, ant, items, clean, rf, outletsOf(items), "", o)
			if err != nil {
				return err
			}
			th, f := chooseThresholds(js)
			o.train.Thresholds = th
			log.Info("chose thresholds by leaving each outlet out", "top", th.Top, "second", th.Second, "extra", th.Extra, "micro_f1", f)
		}
		m, err := topic.Train(docs, o.train)
		if err != nil {
			return fmt.Errorf("trainmodel: %w", err)
		}
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			return fmt.Errorf("trainmodel: %w", err)
		}
		if err := os.WriteFile(o.out, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("trainmodel: %w", err)
		}
		log.Info("wrote model", "file", o.out, "classes", m.Classes(), "terms", m.Len(), "bytes", buf.Len())
	}
	return nil
}
