package feed_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
)

func TestPictureURL(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{"https://img.example/a.jpg", true},
		{"http://cdn.news.example/x/y.png?w=800", true},
		{"/images/a.jpg", false},       // relative
		{"img/a.jpg", false},           // relative
		{"javascript:alert(1)", false}, // not http(s)
		{"data:image/png;base64,iVBO", false},
		{"ftp://img.example/a.jpg", false},
		{"https://127.0.0.1/a.jpg", false},
		{"http://10.1.2.3/a.jpg", false},
		{"http://169.254.169.254/latest", false},
		{"http://[::1]/a.jpg", false},
		{"http://localhost/a.jpg", false},
		{"http://intranet/a.jpg", false},
		{"http://cms.corp/a.jpg", false},
		{"https://user:pw@img.example/a.jpg", false},
		{"https://img.example/a b.jpg", false},
		{"https://img.example/" + strings.Repeat("a", 20000) + ".jpg", false},
		{"", false},
	}
	for _, tt := range tests {
		got, ok := feed.PictureURL(tt.raw, false)
		if ok != tt.want || (ok && got == "") || (!ok && got != "") {
			t.Errorf("PictureURL(%.60q) = %q, %v; want ok=%v", tt.raw, got, ok, tt.want)
		}
	}
	if _, ok := feed.PictureURL("http://127.0.0.1:8080/a.png", true); !ok {
		t.Error("a loopback picture is refused even with private addresses allowed")
	}
}

func TestItemPictures(t *testing.T) {
	doc := `<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>t</title>
<item><title>enclosure</title><link>https://n.example/1</link><enclosure url="https://img.example/1.jpg" type="image/jpeg" length="1"/></item>
<item><title>audio enclosure</title><link>https://n.example/2</link><enclosure url="https://img.example/2.mp3" type="audio/mpeg" length="1"/></item>
<item><title>media content</title><link>https://n.example/3</link><media:content url="https://img.example/3.jpg" medium="image"/></item>
<item><title>media thumbnail</title><link>https://n.example/4</link><media:thumbnail url="https://img.example/4.jpg"/></item>
<item><title>media group</title><link>https://n.example/5</link><media:group><media:content url="https://img.example/5.jpg" type="image/jpeg"/></media:group></item>
<item><title>img in the description only</title><link>https://n.example/6</link><description>&lt;img src="https://track.example/pixel.gif"&gt; نص</description></item>
<item><title>private picture</title><link>https://n.example/7</link><enclosure url="http://192.168.1.5/7.jpg" type="image/jpeg" length="1"/></item>
<item><title>javascript picture</title><link>https://n.example/8</link><media:thumbnail url="javascript:alert(1)"/></item>
</channel></rss>`
	jsonFeed := `{"version":"https://jsonfeed.org/version/1.1","title":"j","items":[{"id":"1","title":"json image","url":"https://n.example/j","image":"https://img.example/j.jpg"}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feed.json" {
			w.Header().Set("Content-Type", "application/feed+json")
			fmt.Fprint(w, jsonFeed)
			return
		}
		fmt.Fprint(w, doc)
	}))
	defer srv.Close()
	f := feed.NewFetcher(feed.Options{AllowPrivate: true})
	// Private pictures are refused as any feed user would need: the
	// feed server itself is on loopback, so that check uses a second
	// fetcher reading the same items through Parse.
	res, err := f.Fetch(t.Context(), news.Feed{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"enclosure": "https://img.example/1.jpg", "audio enclosure": "", "media content": "https://img.example/3.jpg",
		"media thumbnail": "https://img.example/4.jpg", "media group": "https://img.example/5.jpg",
		"img in the description only": "", "private picture": "http://192.168.1.5/7.jpg", "javascript picture": "",
	}
	for _, it := range res.Items {
		if it.ImageURL != want[it.Title] {
			t.Errorf("%s: image %q, want %q", it.Title, it.ImageURL, want[it.Title])
		}
	}
	parsed, err := feed.Parse(strings.NewReader(doc), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range parsed.Items {
		if it.Title == "private picture" {
			if got, ok := feed.PictureURL(it.ImageURL, false); ok {
				t.Errorf("a picture on 192.168.1.5 passes the check: %q", got)
			}
		}
	}
	jres, err := f.Fetch(t.Context(), news.Feed{URL: srv.URL + "/feed.json"})
	if err != nil || len(jres.Items) != 1 || jres.Items[0].ImageURL != "https://img.example/j.jpg" {
		t.Errorf("JSON Feed image: %+v, %v", jres, err)
	}
}
