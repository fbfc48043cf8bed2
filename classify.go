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

// maxTellings is how many outlets' tellings a story summary reads: enough
// to find what they agree on, bounded for a story that keeps growing.
const maxTellings = 5

// storySummaries writes a story's summary again when another outlet's
// article joins it: the sentences the outlets agree on, from each one's
// first telling and the new article (which stands for its outlet).
type storySummaries struct {
	db interface {
		StoryTellings(ctx context.Context, storyID int64, limit int) (news.Story, []news.Article, error)
	}
}

func (s storySummaries) StorySummary(ctx context.Context, a news.Article) (string, error) {
	story, tellings, err := s.db.StoryTellings(ctx, a.StoryID, maxTellings)
	if err != nil {
		return "", err
	}
	texts := make([]string, 0, len(tellings)+1)
	for _, t := range tellings {
		if t.Source != a.Source && t.Text != "" {
			texts = append(texts, t.Text)
		}
	}
	if len(texts) == 0 || a.Text == "" {
		return "", nil // one outlet so far, or nothing new to read
	}
	return summary.SummarizeStory(story.Title, append(texts, a.Text), summary.Options{}), nil
}

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
