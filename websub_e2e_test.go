package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// testHub is a WebSub hub for the real app: it verifies every
// subscription it is asked for and pushes what a test gives it, signed.
type testHub struct {
	srv      *httptest.Server
	mu       sync.Mutex
	secret   string
	callback string
	topic    string
	verified chan struct{}
	once     sync.Once
}

func newTestHub(tb testing.TB) *testHub {
	h := &testHub{verified: make(chan struct{})}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() != nil || r.PostForm.Get("hub.mode") != "subscribe" {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		h.mu.Lock()
		h.secret, h.callback, h.topic = r.PostForm.Get("hub.secret"), r.PostForm.Get("hub.callback"), r.PostForm.Get("hub.topic")
		cb, topic := h.callback, h.topic
		h.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		go func() {
			q := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.challenge": {"c-42"}, "hub.lease_seconds": {"86400"}}
			resp, err := http.Get(cb + "?" + q.Encode())
			if err != nil {
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && string(b) == "c-42" {
				h.once.Do(func() { close(h.verified) })
			}
		}()
	}))
	tb.Cleanup(h.srv.Close)
	return h
}

// push posts a feed document to the subscriber, signed with its secret
// unless sign is false, and returns the status.
func (h *testHub) push(tb testing.TB, doc []byte, sign bool) int {
	tb.Helper()
	h.mu.Lock()
	cb, secret := h.callback, h.secret
	h.mu.Unlock()
	req, _ := http.NewRequest(http.MethodPost, cb, strings.NewReader(string(doc)))
	req.Header.Set("Content-Type", "application/rss+xml")
	if sign {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(doc)
		req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(m.Sum(nil)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// hubFeed is an RSS feed that names its hub and itself.
func hubFeed(hub, self string, items ...rssItem) []byte {
	doc := string(rss(items...))
	links := fmt.Sprintf(`<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="%s"/><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="%s"/>`, hub, self)
	return []byte(strings.Replace(doc, "<channel>", "<channel>"+links, 1))
}

// freeAddr is a loopback address nobody listens on (the app's public
// URL must be known before it starts).
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// webSubApp runs the app with POLL_INTERVAL=60s and a public URL, one
// reader of Syrian news, and a feed that names hub; it returns once the
// hub has verified Ajel's subscription.
func webSubApp(tb testing.TB, tg *telegramtest.Server, hub *testHub, fs *feedServer, reader int64) *app {
	tb.Helper()
	addr := freeAddr(tb)
	env := testEnv(tg.Endpoint(), filepath.Join(tb.TempDir(), "ajel.db"), map[string]string{
		config.EnvPollInterval: "60s", config.EnvPollIntervalMax: "15m",
		config.EnvHTTPAddr: addr, config.EnvPublicURL: "http://" + addr,
		config.EnvFeeds: fs.srv.URL + "/rss", config.EnvLogLevel: "info",
	})
	a := startAppWith(tb, tg, env, appOptions{pollTimeout: time.Second}, ioDiscard{})
	storagetest.Chat(tb, a.db, reader, news.ChatPrivate, "syria")
	ctx := context.Background()
	if err := a.addFeeds(ctx, a.cfg.Feeds, nil); err != nil {
		tb.Fatal(err)
	}
	feeds, _ := a.db.Feeds(ctx)
	if err := a.poller.PollNow(ctx, feeds[0].ID); err != nil { // primes, and finds the hub
		tb.Fatal(err)
	}
	select {
	case <-hub.verified:
	case <-time.After(20 * time.Second):
		tb.Fatal("the hub never verified Ajel's subscription")
	}
	return a
}

// A source whose hub pushes reaches readers at once, although it is polled
// only every minute; the same item polled later is not pushed again; a
// notification with no signature pushes nothing.
func TestWebSubPushReachesReadersAtOnce(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	hub := newTestHub(t)
	fs := newFeedServer(t)
	fs.set(hubFeed(hub.srv.URL, fs.srv.URL+"/rss", itemOld), "")
	reader := telegramtest.PrivateChat(5100)
	a := webSubApp(t, tg, hub, fs, reader.ID)
	ctx := t.Context()

	fresh := rssItem{"ws-1", "زلزال يضرب ريف اللاذقية في سوريا", "ضرب زلزال خفيف ريف اللاذقية في سوريا صباح اليوم. وقال الدفاع المدني إنه لا أنباء عن ضحايا.", "https://news.example/ws-1"}
	if code := hub.push(t, hubFeed(hub.srv.URL, fs.srv.URL+"/rss", fresh, itemOld), false); code != http.StatusAccepted {
		t.Errorf("an unsigned notification: %d", code)
	}
	start := time.Now()
	if code := hub.push(t, hubFeed(hub.srv.URL, fs.srv.URL+"/rss", fresh, itemOld), true); code != http.StatusNoContent {
		t.Fatalf("a signed notification: %d", code)
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := tg.WaitFor(wctx, func() bool { return len(pushes(tg.Sent(reader.ID))) == 1 }); err != nil {
		t.Fatal("the pushed item never reached the reader")
	}
	t.Logf("notification → push: %s", time.Since(start))

	// The feed lists it too by the next poll: still one push.
	fs.set(hubFeed(hub.srv.URL, fs.srv.URL+"/rss", fresh, itemOld), "")
	feeds, _ := a.db.Feeds(ctx)
	if err := a.poller.PollNow(ctx, feeds[0].ID); err != nil {
		t.Fatal(err)
	}
	awaitIdle(t, a.db) // the poll queued what it would push; none is left
	if n := len(pushes(tg.Sent(reader.ID))); n != 1 {
		t.Errorf("%d pushes after the item was polled too, want 1", n)
	}
	f, _ := a.db.Feed(ctx, feeds[0].ID)
	if f.WebSub.State != news.WebSubActive || f.Interval != 15*time.Minute {
		t.Errorf("feed state %+v, interval %s: want active and polled at POLL_INTERVAL_MAX", f.WebSub, f.Interval)
	}
	var health struct {
		Feeds []struct {
			WebSub *struct{ State, Hub string } `json:"websub"`
		} `json:"feeds"`
	}
	body := httpGet(t, "http://"+a.listener.Addr().String()+"/healthz")
	if err := json.Unmarshal([]byte(body), &health); err != nil || len(health.Feeds) != 1 || health.Feeds[0].WebSub == nil ||
		health.Feeds[0].WebSub.State != "active" || health.Feeds[0].WebSub.Hub != hub.srv.URL {
		t.Errorf("/healthz: %s", body)
	}
}

// distinctSyrianStories are twenty unrelated Syrian stories of ours
// (headline, text), so none joins another's story.
var distinctSyrianStories = [][2]string{
	{"افتتاح مدرسة جديدة في حماة", "افتتحت مديرية التربية في حماة مدرسة ابتدائية تتسع لستمئة تلميذ."},
	{"ارتفاع منسوب نهر العاصي قرب حمص", "حذرت السلطات سكان القرى المحاذية للعاصي من فيضان محتمل بعد الأمطار."},
	{"مهرجان للزيتون في إدلب", "يشارك مزارعون من عشرين بلدة في معرض لزيت الزيتون يستمر ثلاثة أيام."},
	{"إغلاق مؤقت لطريق حلب الدولي", "أغلقت شرطة المرور الطريق ساعتين لإصلاح جسر متضرر قرب سراقب."},
	{"وصول شحنة قمح إلى ميناء طرطوس", "رست سفينة تحمل خمسين ألف طن من القمح في الميناء صباح الأحد."},
	{"جامعة دمشق تعلن نتائج المفاضلة", "نشرت الجامعة أسماء المقبولين في كليات الطب والهندسة على موقعها."},
	{"حريق في سوق الحميدية بدمشق", "أخمد الدفاع المدني حريقا اندلع في محل للأقمشة دون إصابات."},
	{"عودة الكهرباء إلى أحياء في دير الزور", "أعادت شركة الكهرباء التيار إلى ستة أحياء بعد انقطاع دام أسبوعا."},
	{"منتخب سوريا للشباب يفوز وديا", "تغلب المنتخب على نظيره العراقي بهدفين لهدف في مباراة أقيمت في عمّان."},
	{"تراجع سعر الليرة السورية في السوق", "سجل الدولار ارتفاعا جديدا أمام الليرة في تعاملات يوم الخميس."},
	{"حملة لتنظيف شواطئ اللاذقية", "تطوع مئات الشباب لجمع النفايات من الشاطئ الأزرق والمناطق المجاورة."},
	{"افتتاح معرض للكتاب المستعمل في السويداء", "يعرض باعة الكتب آلاف العناوين بأسعار رمزية في ساحة المدينة."},
	{"ترميم قلعة الحصن يبلغ مراحله الأخيرة", "أنهى فريق الآثار تدعيم الأبراج الغربية للقلعة التاريخية."},
	{"اكتشاف لوحات فسيفساء في ريف درعا", "عثر مزارع على أرضية فسيفساء رومانية أثناء حرث أرضه."},
	{"بدء موسم قطاف القطن في الحسكة", "يتوقع مهندسون زراعيون إنتاجا أعلى من العام الماضي بسبب الأمطار."},
	{"مستشفى القامشلي يستقبل أجهزة غسيل كلى", "تسلم المستشفى عشرة أجهزة جديدة ستخدم مئات المرضى."},
	{"ازدحام على معبر نصيب الحدودي", "انتظرت الشاحنات ساعات طويلة بسبب إجراءات تفتيش جديدة."},
	{"تكريم فنانين تشكيليين في حمص", "منحت نقابة الفنون جوائزها السنوية لخمسة رسامين من المحافظة."},
	{"افتتاح خط حافلات بين جرمانا والمزة", "أطلقت المحافظة خطا جديدا للنقل العام يعمل من السادسة صباحا."},
	{"تساقط الثلوج على مرتفعات القلمون", "غطت الثلوج قمم الجبال وأغلقت بعض الطرق الفرعية أمام السيارات."},
}

// BenchmarkWebSubToPush measures the time from a hub's notification to
// the reader's push, with POLL_INTERVAL=60s (polling cannot explain it)
// and a fake Telegram that takes 150 ms a call: 20 notifications, one
// new item each, 1.1 s apart (one message a second into one chat).
//
//	go test -run '^$' -bench WebSubToPush -benchtime 1x .
func BenchmarkWebSubToPush(b *testing.B) {
	for b.Loop() {
		tg := telegramtest.NewTest(b, testToken, telegramtest.WithLatency(150*time.Millisecond))
		hub := newTestHub(b)
		fs := newFeedServerTB(b)
		fs.set(hubFeed(hub.srv.URL, fs.srv.URL+"/rss", itemOld), "")
		reader := telegramtest.PrivateChat(5200)
		webSubApp(b, tg, hub, fs, reader.ID)
		var took []time.Duration
		for i, story := range distinctSyrianStories {
			it := rssItem{fmt.Sprint("wsb-", i), story[0], "سوريا: " + story[1], fmt.Sprint("https://news.example/wsb/", i)}
			start := time.Now()
			if code := hub.push(b, hubFeed(hub.srv.URL, fs.srv.URL+"/rss", it), true); code != http.StatusNoContent {
				b.Fatalf("notification %d: %d", i, code)
			}
			wctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			err := tg.WaitFor(wctx, func() bool { return countPushes(tg, reader.ID) >= i+1 })
			cancel()
			if err != nil {
				b.Fatalf("notification %d never pushed", i)
			}
			took = append(took, time.Since(start))
			time.Sleep(1100 * time.Millisecond)
		}
		slices.Sort(took)
		b.ReportMetric(took[len(took)/2].Seconds()*1000, "p50_ms")
		b.ReportMetric(took[(len(took)*95+99)/100-1].Seconds()*1000, "p95_ms")
	}
}
