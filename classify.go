package main

import (
	"context"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/pipeline"
	"github.com/ajel-news/ajel/story"
	"github.com/ajel-news/ajel/summary"
	"github.com/ajel-news/ajel/topic"
)

// cleanBody is the one body cleaner: the pipeline's (HTML to text, share
// prompts, captions, read-more stubs) and then the summarizer's (datelines
// such as "بيروت - (رويترز) -" and the lines it knows are not content).
func cleanBody(s string) string { return summary.Clean(pipeline.Clean(s)) }

// newClassifier finds catalogue topics: places from the gazetteer and
// sections from the embedded model.
func newClassifier(c *topic.Catalogue) *topic.Classifier {
	return topic.NewClassifier(c, topic.EmbeddedModel())
}

// stories adapts the story detector to the pipeline: an article joins a
// recent story another outlet already told, and a burst of outlets makes
// the story breaking.
type stories struct{ det *story.Detector }

func (s stories) Story(_ context.Context, a news.Article) (news.Article, error) {
	a.Breaking = a.Breaking || story.HeadlineMarked(a.Title)
	id, ok := s.det.Match(a)
	if !ok {
		return a, nil
	}
	a.StoryID = id
	a.Breaking = story.IsBreaking(a, s.det.SourcesWithinAdding(id, a, story.BurstWindow))
	return a, nil
}

func (s stories) Add(a news.Article) { s.det.Add(a.StoryID, a) }

// warmStories loads the last MaxAge of articles into the detector, so a
// story told before a restart is still recognized after it.
func warmStories(ctx context.Context, det *story.Detector, db interface {
	RecentArticles(context.Context, time.Time) ([]news.Article, error)
}, maxAge time.Duration) error {
	recent, err := db.RecentArticles(ctx, time.Now().Add(-maxAge))
	if err != nil {
		return err
	}
	det.Load(recent)
	return nil
}
