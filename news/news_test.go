package news_test

import (
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
)

func TestQuietHoursContains(t *testing.T) {
	tests := []struct {
		q    news.QuietHours
		hour int
		want bool
	}{
		{news.QuietHours{}, 3, false},
		{news.QuietHours{From: 5, To: 5}, 5, false},
		{news.QuietHours{From: 1, To: 6}, 1, true},
		{news.QuietHours{From: 1, To: 6}, 5, true},
		{news.QuietHours{From: 1, To: 6}, 6, false},
		{news.QuietHours{From: 22, To: 7}, 23, true},
		{news.QuietHours{From: 22, To: 7}, 0, true},
		{news.QuietHours{From: 22, To: 7}, 6, true},
		{news.QuietHours{From: 22, To: 7}, 7, false},
		{news.QuietHours{From: 22, To: 7}, 12, false},
	}
	for _, tc := range tests {
		if got := tc.q.Contains(tc.hour); got != tc.want {
			t.Errorf("%+v.Contains(%d) = %v, want %v", tc.q, tc.hour, got, tc.want)
		}
	}
}

func TestSendErrorMessages(t *testing.T) {
	tests := []struct {
		err  *news.SendError
		want string
	}{
		{&news.SendError{Kind: news.SendRateLimited, Code: 429, RetryAfter: 3 * time.Second, Description: "Too Many Requests"}, "telegram: rate limited, retry after 3s: Too Many Requests"},
		{&news.SendError{Kind: news.SendMigrated, Code: 400, MigrateTo: -100123, Description: "upgraded"}, "telegram: chat migrated to -100123: upgraded"},
		{&news.SendError{Kind: news.SendForbidden, Code: 403, Description: "Forbidden: bot was blocked by the user"}, "telegram: 403 Forbidden: bot was blocked by the user"},
		{&news.SendError{Kind: news.SendFailed, Description: "connection refused"}, "telegram: connection refused"},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestChatTypeIsGroup(t *testing.T) {
	for typ, want := range map[news.ChatType]bool{
		news.ChatPrivate: false, news.ChatGroup: true, news.ChatSupergroup: true, news.ChatChannel: false,
	} {
		if typ.IsGroup() != want {
			t.Errorf("%s.IsGroup() = %v", typ, !want)
		}
	}
}
