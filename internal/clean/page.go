package clean

import (
	"strings"

	"github.com/ajel-news/ajel/arabic"
)

// Page removes from the main text of an article page (one paragraph a
// line, as the extractor gave it) what sits around the story on a news
// site and slipped into it: cookie and consent banners, newsletter boxes
// (in Arabic and English, also a sentence of one glued to the story's
// first), share bars, and "most read" or "related" lists with their
// headlines. What is left is the story; a page that was only a consent
// wall gives "".
func Page(text string) string {
	var out []string
	list := 0 // inside a "most read" list: how many more of its headlines may follow
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		toks := arabic.Tokens(line)
		if isListHeader(toks) {
			list = maxListLines
			continue
		}
		if list > 0 {
			list--
			if !endsSentence(line) && len(toks) <= maxListHeadline {
				continue // a headline of the list
			}
			list = 0
		}
		if isShareBar(toks) {
			continue
		}
		if mayBeSiteNotice(line) {
			line = dropSiteNotices(line)
			if line == "" {
				continue
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// A list of other stories is at most maxListLines headlines of at most
// maxListHeadline words each, none ending as a sentence does: the story's
// paragraphs are longer, and end with a full stop more often than not.
const (
	maxListLines    = 12
	maxListHeadline = 14
)

// The words of a site's notices, as pages write them. A consent notice
// speaks of cookies (or of browsing on) in the site's voice; a newsletter
// box asks for an address.
var (
	cookieWords    = []string{"تعريف الارتباط", "ملفات الارتباط", "الكوكيز", "كوكيز", "cookie", "Cookie", "COOKIE"}
	siteVoiceWords = []string{"نستخدم", "يستخدم هذا الموقع", "يستخدم موقع", "موقعنا", "تجربتك", "تصفحك", "التصفح", "توافق",
		"موافقتك", "الموافقة", "قبول", "أوافق", "اوافق", "تقبل",
		"we use", "We use", "this site", "this website", "This site", "This website", "our site", "our website",
		"your experience", "you agree", "You agree", "you consent", "ccept", "onsent", "browsing", "y continuing"}
	consentWords = []string{"بمتابعة التصفح", "بمواصلة التصفح", "باستمرارك في", "بمتابعتك", "y continuing to", "y using this"}
	mailWords    = []string{"النشرة البريدية", "النشرة الإخبارية", "النشرة الاخبارية", "نشرتنا", "بريدك الإلكتروني",
		"بريدك الالكتروني", "صندوق بريدك", "newsletter", "Newsletter", "your email", "your inbox", "email address"}
	signUpWords = []string{"اشترك", "سجّل", "سجل", "أدخل", "ادخل", "ليصلك", "لتصلك", "تصلك", "احصل",
		"ubscribe", "ign up", "ign-up", "nter your", "et the"}
)

// mayBeSiteNotice reports whether a paragraph may hold a site's notice.
func mayBeSiteNotice(line string) bool {
	return containsAnyOf(line, cookieWords) || containsAnyOf(line, consentWords) || containsAnyOf(line, mailWords)
}

// dropSiteNotices removes the sentences of a paragraph that are a site's
// notice, and returns what is left ("" when it was only that).
func dropSiteNotices(line string) string {
	sents := arabic.Sentences(line)
	kept := sents[:0]
	for _, s := range sents {
		if isSiteNotice(s) {
			continue
		}
		kept = append(kept, s)
	}
	if len(kept) == len(sents) {
		return line
	}
	return strings.Join(kept, " ")
}

// isSiteNotice reports whether a sentence is a consent or newsletter
// notice rather than news (a story about cookies speaks of them, not in
// the site's voice).
func isSiteNotice(s string) bool {
	switch {
	case containsAnyOf(s, consentWords):
		return true
	case containsAnyOf(s, cookieWords):
		return containsAnyOf(s, siteVoiceWords)
	case containsAnyOf(s, mailWords):
		return containsAnyOf(s, signUpWords)
	}
	return false
}

func containsAnyOf(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// listHeaders open the lists of other stories a page puts around its
// story, in matching form.
var listHeaders = func() map[string]bool {
	m := map[string]bool{}
	for _, h := range []string{"الأكثر قراءة", "الأكثر قراءة اليوم", "الأكثر مشاهدة", "الأكثر تداولا", "الأكثر شعبية",
		"الأكثر تعليقا", "الأكثر مشاركة", "اخترنا لك", "قد يعجبك أيضا", "قد يعجبك", "قد يهمك أيضا", "قد يهمك",
		"أخبار ذات صلة", "مواضيع ذات صلة", "مقالات ذات صلة", "اقرأ أيضا", "شاهد أيضا", "المزيد من الأخبار", "آخر الأخبار",
		"أخبار متعلقة", "موضوعات متعلقة", "النشرة البريدية", "النشرة الإخبارية",
		"most read", "most popular", "most viewed", "most shared", "trending", "trending now", "popular",
		"you may also like", "you might also like", "recommended", "recommended for you", "related", "related stories",
		"related articles", "read next", "more stories", "more from", "latest news", "newsletter"} {
		m[strings.Join(arabic.Tokens(h), " ")] = true
	}
	return m
}()

// isListHeader reports whether a line only names such a list.
func isListHeader(toks []string) bool {
	return len(toks) > 0 && len(toks) <= 5 && listHeaders[strings.Join(toks, " ")]
}

// shareWords are what a share bar is made of; shareNetworks are the
// networks it names, two at least.
var (
	shareWords = wordSet("شارك شاركها شاركوا مشاركة share tweet pin فيسبوك فيس بوك facebook تويتر twitter x اكس واتساب واتس اب " +
		"whatsapp تلغرام تليغرام تيليجرام telegram لينكدان لينكد ان linkedin انستغرام انستجرام instagram ماسنجر messenger " +
		"pinterest reddit tumblr email بريد البريد الالكتروني طباعة print نسخ الرابط copy link عبر على via on the و")
	shareNetworks = wordSet("فيسبوك facebook تويتر twitter x اكس واتساب whatsapp تلغرام تليغرام تيليجرام telegram " +
		"لينكدان linkedin انستغرام انستجرام instagram ماسنجر messenger pinterest reddit tumblr")
)

// isShareBar reports whether a line only names networks to share on.
func isShareBar(toks []string) bool {
	networks := 0
	for _, t := range toks {
		if !shareWords[t] {
			return false
		}
		if shareNetworks[t] {
			networks++
		}
	}
	return networks >= 2 || networks >= 1 && len(toks) >= 2 && shareWords[toks[0]] && !shareNetworks[toks[0]]
}
