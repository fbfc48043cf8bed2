package story

import (
	"context"
	"fmt"
	"time"

	"github.com/ajel-news/ajel/news"
)

// Assigner puts each article the pipeline stores into a story: it joins a
// recent story another outlet already told, or starts its own, and a burst
// of outlets makes the story breaking. It is the pipeline's Clusterer; the
// pipeline serializes Story with Add.
type Assigner struct {
	det *Detector
}

// NewAssigner assigns articles with det.
func NewAssigner(det *Detector) *Assigner { return &Assigner{det: det} }

// Story returns a with StoryID set to the stored story it tells (0 for a
// new one), and Breaking set when adding it makes its story a burst.
func (s *Assigner) Story(_ context.Context, a news.Article) (news.Article, error) {
	id, ok := s.det.Match(a)
	if !ok {
		return a, nil
	}
	a.StoryID = id
	a.Breaking = IsBreaking(a, s.det.SourcesWithinAdding(id, a, BurstWindow))
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
