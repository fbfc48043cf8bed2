// Command trainmodel trains the section classifier that package topic
// embeds (topic/model.json.gz) from the ANT corpus, and with -eval
// reports how well it carries over to an outlet it has not seen:
// leave-one-outlet-out macro-F1 per rotation, their mean, and each
// rotation's confusion matrix.
//
//	go run ./cmd/trainmodel -eval                 # figures only
//	go run ./cmd/trainmodel -out topic/model.json.gz
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
	"runtime"
	"sync"

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

func run(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("trainmodel", flag.ContinueOnError)
	data := fs.String("data", "../shared/data/ant/ant-dev.jsonl.gz", "ANT corpus (JSON Lines, gzip)")
	out := fs.String("out", "", "write the model trained on every outlet to this file (topic/model.json.gz)")
	eval := fs.Bool("eval", false, "print leave-one-outlet-out macro-F1 and confusion matrices")
	maxFeatures := fs.Int("features", 12000, "terms the model keeps")
	temper := fs.Float64("temper", 0, "divide term evidence by this before adding the prior (0: default)")
	alpha := fs.Float64("alpha", 0, "additive smoothing (0: default)")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return fmt.Errorf("trainmodel: %w", err)
	}
	if *out == "" && !*eval {
		return errors.New("trainmodel: nothing to do: give -out FILE, -eval, or both")
	}
	docs, outlets, err := readANT(ctx, *data)
	if err != nil {
		return err
	}
	log.Info("read corpus", "articles", len(docs), "file", *data)
	opt := topic.TrainOptions{MaxFeatures: *maxFeatures, Temper: *temper, Alpha: *alpha}

	if *eval {
		folds, err := topic.CrossValidate(docs, outlets, opt)
		if err != nil {
			return fmt.Errorf("trainmodel: %w", err)
		}
		mean := 0.0
		for _, f := range folds {
			fmt.Fprint(stdout, f.String(), "\n")
			mean += f.MacroF1
		}
		fmt.Fprintf(stdout, "macro-F1 per held-out outlet:")
		for _, f := range folds {
			fmt.Fprintf(stdout, " %s %.3f", f.Held, f.MacroF1)
		}
		fmt.Fprintf(stdout, "; mean %.3f\n", mean/float64(len(folds)))
	}
	if *out != "" {
		m, err := topic.Train(docs, opt)
		if err != nil {
			return fmt.Errorf("trainmodel: %w", err)
		}
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			return fmt.Errorf("trainmodel: %w", err)
		}
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("trainmodel: %w", err)
		}
		log.Info("wrote model", "file", *out, "classes", m.Classes(), "terms", m.Len(), "bytes", buf.Len())
	}
	return nil
}

// readANT reads the corpus and turns each article into the model's terms,
// in parallel (tokenizing is most of the work), keeping file order.
func readANT(ctx context.Context, path string) (docs []topic.Doc, outlets []string, err error) {
	type record struct {
		Source, Category, Title, Text string
	}
	var recs []record
	err = corpus.Each(path, func(_ int, r record) bool {
		if topic.ANTSection(r.Category) != "" {
			recs = append(recs, r)
		}
		return ctx.Err() == nil
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("trainmodel: %w", err)
	}
	docs = make([]topic.Doc, len(recs))
	outlets = make([]string, len(recs))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(recs); i += workers {
				if ctx.Err() != nil {
					return
				}
				r := recs[i]
				docs[i] = topic.Doc{Class: topic.ANTSection(r.Category), Terms: topic.Terms(r.Title, r.Text)}
				outlets[i] = r.Source
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return docs, outlets, nil
}
