package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/storage/storagetest"
)

func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	c := cli{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, loadConfig: envConfig(env)}
	code = c.run(t.Context(), args)
	return code, out.String(), errOut.String()
}

func TestCommandLineErrors(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantErr  []string
	}{
		{"no token", nil, []string{"run"}, 2, []string{"TELEGRAM_BOT_TOKEN", ".env.example", "ajel demo"}},
		{"no token, no command", nil, nil, 2, []string{"TELEGRAM_BOT_TOKEN"}},
		{"bad poll interval", map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "POLL_INTERVAL": "soon"}, []string{"run"}, 1, []string{`POLL_INTERVAL="soon"`, "duration"}},
		{"bad admin id", map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "ADMIN_IDS": "12,abc"}, []string{"run"}, 1, []string{"ADMIN_IDS", `"abc"`}},
		{"zero send rate", map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "SEND_RATE": "0"}, []string{"run"}, 1, []string{"SEND_RATE", `"0"`}},
		{"unknown command", nil, []string{"fly"}, 2, []string{`unknown command "fly"`, "Usage"}},
		{"preview without source", nil, []string{"preview"}, 2, []string{"SOURCE"}},
		{"backup without path", nil, []string{"backup"}, 2, []string{"PATH"}},
		{"summarize bad flag", nil, []string{"summarize", "--sentences", "0"}, 2, []string{"--sentences"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.env, "", tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.wantCode, stderr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q: %s", w, stderr)
				}
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 && tc.wantCode == 1 {
				t.Errorf("a configuration error must fit on one line: %q", stderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, nil, "", "version")
	if code != 0 || !strings.HasPrefix(out, "ajel ") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestSummarizeCommand(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a1","title":"عاجل: انفجار في مرفأ بيروت","text":"بيروت - (رويترز) - وقع انفجار كبير في مرفأ بيروت صباح اليوم. وقالت السلطات اللبنانية إن فرق الإطفاء تعمل على احتواء الحريق. ولم تُعرف أسباب الانفجار بعد. شارك هذا المقال"}`,
		`{"id":2,"title":"مباراة","text":""}`,
		`not json`,
		``,
		`{"id":"k","title":"خبر","text":"وصل الوفد السوري إلى إدلب صباح اليوم بعد تأخير طويل في الطريق."}`,
	}, "\n")
	code, out, stderr := runCLI(t, nil, in, "summarize", "--sentences", "2", "--keywords", "سوريا,إدلب,القاهرة")
	if code != 1 || !strings.Contains(stderr, "line 3") {
		t.Errorf("a bad line must be reported with its number and fail the run: %d %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 output lines (bad and blank lines skipped), got %d:\n%s", len(lines), out)
	}
	var first struct {
		ID       string   `json:"id"`
		Summary  string   `json:"summary"`
		Topics   []string `json:"topics"`
		Breaking bool     `json:"breaking"`
		Keywords []string `json:"keywords"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.ID != "a1" || !first.Breaking || !strings.Contains(first.Summary, "وقع انفجار كبير") ||
		strings.Contains(first.Summary, "رويترز") || strings.Contains(first.Summary, "شارك") {
		t.Errorf("first line: %+v", first)
	}
	if !contains(first.Topics, "lebanon") {
		t.Errorf("topics %v lack lebanon", first.Topics)
	}
	if first.Keywords == nil || len(first.Keywords) != 0 {
		t.Errorf("keywords must be an empty list when none match: %v", first.Keywords)
	}
	var last struct {
		Keywords []string `json:"keywords"`
	}
	json.Unmarshal([]byte(lines[2]), &last)
	if !contains(last.Keywords, "سوريا") || !contains(last.Keywords, "إدلب") || contains(last.Keywords, "القاهرة") {
		t.Errorf("keywords %v, want سوريا and إدلب", last.Keywords)
	}
	if !strings.Contains(lines[1], `"id":2`) || !strings.Contains(lines[1], `"summary":""`) {
		t.Errorf("a headline-only article: %s", lines[1])
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestPreviewFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feed.xml")
	if err := os.WriteFile(path, rss(itemSyria, rssItem{"b", "عاجل: زلزال في تركيا", "ضرب زلزال قوي جنوب تركيا.", "https://news.example/q"}), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, nil, "", "preview", path, "--json")
	if code != 0 {
		t.Fatalf("preview: %d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 items:\n%s", out)
	}
	var item previewItem
	json.Unmarshal([]byte(lines[1]), &item)
	if item.Title != "زلزال في تركيا" || !item.Breaking || !contains(item.Topics, "turkey") {
		t.Errorf("second item: %+v", item)
	}
	if !item.Pushed || item.Held != "" {
		t.Errorf("second item: pushed %v, held %q", item.Pushed, item.Held)
	}
	code, out, _ = runCLI(t, nil, "", "preview", path)
	if code != 0 || !strings.Contains(out, "🔴 عاجل زلزال في تركيا") || !strings.Contains(out, "سوريا") || !strings.Contains(out, "pushed") {
		t.Errorf("text preview:\n%s", out)
	}
	code, _, stderr = runCLI(t, nil, "", "preview", filepath.Join(t.TempDir(), "missing.xml"))
	if code != 1 || !strings.Contains(stderr, "missing.xml") {
		t.Errorf("missing file: %d %s", code, stderr)
	}
	bad := filepath.Join(t.TempDir(), "page.html")
	os.WriteFile(bad, []byte("<!doctype html><html><body>hi</body></html>"), 0o600)
	code, _, stderr = runCLI(t, nil, "", "preview", bad)
	if code != 1 || !strings.Contains(stderr, "not a feed") {
		t.Errorf("html file: %d %s", code, stderr)
	}
}

// `ajel preview --json` says of every item whether the bot would push it
// and, when not, why: the pipeline's own decisions (language, date, the
// bound on a poll's pushes), for a feed's options given after the source
// as in FEEDS (lang=any). Its summaries carry no placeholder, footer or cut.
func TestPreviewSaysWhatIsPushedAndWhy(t *testing.T) {
	now := time.Now().UTC()
	item := func(guid, title, text string, published time.Time) string {
		return fmt.Sprintf("<item><guid>%s</guid><title>%s</title><link>https://news.example/%s</link><description><![CDATA[%s]]></description><pubDate>%s</pubDate></item>",
			guid, title, guid, text, published.Format(time.RFC1123Z))
	}
	doc := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>وكالة المعاينة</title>` +
		item("ar", "افتتاح مكتبة عامة جديدة في حلب", "افتتحت البلدية مكتبة عامة في حي الجميلية تضم عشرين ألف كتاب. وتفتح المكتبة أبوابها يوميا [&#8230;] The post افتتاح مكتبة appeared first on وكالة المعاينة.", now.Add(-time.Hour)) +
		item("en", "Public library opens in Aleppo", "The municipality opened a public library with twenty thousand books.", now.Add(-time.Hour)) +
		item("old", "افتتاح مكتبة قديمة في حمص", "خبر من العام الماضي عن مكتبة في حمص.", now.AddDate(-1, 0, 0)) +
		item("future", "افتتاح مكتبة في المستقبل", "خبر مؤرخ بالعام المقبل.", now.AddDate(1, 0, 0)) +
		item("wait", "عاجل: حريق في سوق المدينة القديمة بحلب", "التفاصيل بعد قليل..", now.Add(-time.Minute)) +
		item("none", "...", "", now) +
		`</channel></rss>`
	path := filepath.Join(t.TempDir(), "feed.xml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	read := func(args ...string) map[string]previewItem {
		t.Helper()
		code, out, stderr := runCLI(t, nil, "", append([]string{"preview"}, args...)...)
		if code != 0 {
			t.Fatalf("preview %q: %d %s", args, code, stderr)
		}
		items := map[string]previewItem{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var it previewItem
			if err := json.Unmarshal([]byte(line), &it); err != nil {
				t.Fatalf("%v: %s", err, line)
			}
			if !strings.Contains(line, `"pushed":`) {
				t.Errorf("no pushed field: %s", line)
			}
			items[strings.TrimPrefix(it.URL, "https://news.example/")] = it
		}
		if len(items) != 6 {
			t.Fatalf("%d items, want 6:\n%s", len(items), out)
		}
		return items
	}
	items := read(path, "--json")
	for key, want := range map[string]string{"ar": "", "en": "language", "old": "old", "future": "future", "wait": "", "none": "invalid"} {
		if got := items[key]; got.Pushed != (want == "") || got.Held != want {
			t.Errorf("%s: pushed %v held %q, want held %q", key, got.Pushed, got.Held, want)
		}
	}
	if s := items["ar"].Summary; s != "افتتحت البلدية مكتبة عامة في حي الجميلية تضم عشرين ألف كتاب." {
		t.Errorf("summary %q: want the whole sentence, without the cut and the footer", s)
	}
	if w := items["wait"]; w.Summary != "" || w.Title != "حريق في سوق المدينة القديمة بحلب" || !w.Breaking {
		t.Errorf("a placeholder's item: %+v; want its headline alone", w)
	}
	if items := read(path, "lang=any", "--json"); !items["en"].Pushed || items["en"].Held != "" {
		t.Errorf("lang=any: %+v", items["en"])
	}
	if code, _, stderr := runCLI(t, nil, "", "preview", path, "lang=fr"); code != 2 || !strings.Contains(stderr, "lang=ar|any") {
		t.Errorf("lang=fr: %d %s", code, stderr)
	}
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{config.EnvDatabasePath: filepath.Join(dir, "ajel.db")}
	if code, _, stderr := runCLI(t, env, "", "backup", filepath.Join(dir, "b.db")); code != 1 || !strings.Contains(stderr, "no database") {
		t.Errorf("backup without a database: %d %s", code, stderr)
	}
	// Create the database the way the bot would.
	db := storagetest.OpenAt(t, env[config.EnvDatabasePath])
	db.Close()
	dst := filepath.Join(dir, "backup.db")
	if code, out, stderr := runCLI(t, env, "", "backup", dst); code != 0 || !strings.Contains(out, dst) {
		t.Fatalf("backup: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, env, "", "backup", dst); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("backup over an existing file: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, env, "", "backup", filepath.Join(dir, "no", "such", "dir", "b.db")); code != 1 || !strings.Contains(stderr, "backup") {
		t.Errorf("backup into a missing directory: %d %s", code, stderr)
	}
}
