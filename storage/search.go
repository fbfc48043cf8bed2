package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ajel-news/ajel/news"
)

// indexArticle adds an article's SearchText to the full-text index.
func indexArticle(ctx context.Context, tx *sql.Tx, id int64, text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO articles_fts (docid, content) VALUES (?, ?)`, id, text)
	return err
}

// storyArticleColumns reads a story as the article a reader sees: the
// story's title and summary with its first article's source and link.
const storyArticleColumns = `s.id, s.title, s.summary, s.topics, s.breaking, s.first_seen_at,
	a.id, a.source, a.url, a.published_at`

func scanStoryArticles(rows *sql.Rows) ([]news.Article, error) {
	defer rows.Close()
	var out []news.Article
	for rows.Next() {
		var a news.Article
		var topics string
		var breaking int
		var seen, pub int64
		if err := rows.Scan(&a.StoryID, &a.Title, &a.Summary, &topics, &breaking, &seen,
			&a.ID, &a.Source, &a.URL, &pub); err != nil {
			return nil, err
		}
		a.Topics, a.Breaking = parseList(topics), breaking == 1
		a.SeenAt, a.PublishedAt = fromMillis(seen), fromMillis(pub)
		out = append(out, a)
	}
	return out, rows.Err()
}

// LatestStories returns the most recently updated stories, newest first, as
// articles carrying the story's title and summary; with topicSlug set, only
// stories about that topic.
func (d *DB) LatestStories(ctx context.Context, topicSlug string, limit int) ([]news.Article, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+storyArticleColumns+`
		FROM stories s
		JOIN articles a ON a.id = (SELECT MIN(id) FROM articles WHERE story_id = s.id)
		WHERE ?1 = '' OR EXISTS (SELECT 1 FROM json_each(s.topics) WHERE value = ?1)
		ORDER BY s.updated_at DESC, s.id DESC
		LIMIT ?2`, topicSlug, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: latest stories: %w", err)
	}
	out, err := scanStoryArticles(rows)
	if err != nil {
		return nil, fmt.Errorf("storage: latest stories: %w", err)
	}
	return out, nil
}

// SearchArticles finds stories whose articles contain every term, newest
// first. Terms must already be in matching form; each is quoted, so FTS
// syntax in a reader's query is taken literally and never parsed.
func (d *DB) SearchArticles(ctx context.Context, terms []string, limit int) ([]news.Article, error) {
	match := ftsQuery(terms)
	if match == "" {
		return nil, nil
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+storyArticleColumns+`
		FROM stories s
		JOIN articles a ON a.id = (SELECT MIN(id) FROM articles WHERE story_id = s.id)
		WHERE s.id IN (SELECT story_id FROM articles WHERE id IN
			(SELECT docid FROM articles_fts WHERE articles_fts MATCH ?))
		ORDER BY s.updated_at DESC, s.id DESC
		LIMIT ?`, match, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: search: %w", err)
	}
	out, err := scanStoryArticles(rows)
	if err != nil {
		return nil, fmt.Errorf("storage: search: %w", err)
	}
	return out, nil
}

// ftsQuery is the full-text query that finds every term, each quoted so
// that FTS syntax in a reader's words is taken literally and never parsed;
// "" when no term is left.
func ftsQuery(terms []string) string {
	var quoted []string
	for _, t := range terms {
		t = strings.ReplaceAll(t, `"`, "")
		if strings.TrimSpace(t) != "" {
			quoted = append(quoted, `"`+t+`"`)
		}
	}
	return strings.Join(quoted, " ")
}
