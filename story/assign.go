package story

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ajel-news/ajel/news"
)

// Assigner puts each article the pipeline stores into a story: it joins a
// recent story another outlet already told, or starts its own, and a burst
// of outlets makes the story breaking. It is the pipeline's Clusterer; the
// pipeline serializes Story with Add.
type Assigner struct {
	det *Detector
	log *slog.Logger
}

// NewAssigner assigns articles with det and logs, at debug level, why
// each joined its story or started one (nil: no log).
func NewAssigner(det *Detector, log *slog.Logger) *Assigner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Assigner{det: det, log: log}
}

// Story returns a with StoryID set to the stored story it tells (0 for a
// new one), StoryNote saying why, and Breaking set when adding it makes
// its story a burst.
func (s *Assigner) Story(ctx context.Context, a news.Article) (news.Article, error) {
	dec := s.det.Decide(a)
	if dec.StoryID == 0 {
		a.StoryNote = "new story: " + dec.Reason
		s.log.DebugContext(ctx, "story: new story", "title", a.Title, "source", a.Source, "why", dec.Reason)
		return a, nil
	}
	a.StoryID = dec.StoryID
	a.StoryNote = fmt.Sprintf("joined story %d: %s", dec.StoryID, dec.Reason)
	attrs := []any{"story", dec.StoryID, "how", dec.How, "score", dec.Score, "title", a.Title, "source", a.Source, "why", dec.Reason}
	if dec.Also != 0 {
		attrs = append(attrs, "also_story", dec.Also, "also_score", dec.AlsoScore)
	}
	s.log.DebugContext(ctx, "story: joined", attrs...)
	a.Breaking = IsBreaking(a, s.det.SourcesWithinAdding(dec.StoryID, a, BurstWindow))
	return a, nil
}

// Add remembers a stored article (ID and StoryID set) for later matches.
func (s *Assigner) Add(a news.Article) { s.det.Add(a.StoryID, a) }

// Recent is the store of the articles seen lately.
type Recent interface {
	// RecentArticles returns the articles first seen at or after since,
	// oldest first, with their story.
	RecentArticles(ctx context.Context, since time.Time) ([]news.Article, error)
}

// Warm loads the articles of the detector's MaxAge before now into it, so
// a story told before a restart is still recognized after it.
func (d *Detector) Warm(ctx context.Context, src Recent, now time.Time) error {
	recent, err := src.RecentArticles(ctx, now.Add(-d.opt.MaxAge))
	if err != nil {
		return fmt.Errorf("story: warm up: %w", err)
	}
	d.Load(recent)
	return nil
}
