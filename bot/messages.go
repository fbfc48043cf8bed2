package bot

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// Every text the bot sends lives here, so the wording can be reviewed in one
// place. Texts are Telegram HTML: literal '<', '>' and '&' are escaped, and
// anything from outside is passed through quote() or esc() by the caller.

const (
	msgWelcome = "👋 أهلًا بك في <b>عاجل</b>!\n" +
		"أرسل إليك الأخبار العاجلة من المصادر العربية فور نشرها، في الموضوعات والكلمات التي تختارها.\n\n" +
		"اختر موضوعًا أو أكثر من الأزرار أدناه، أو اكتب كلمة تهمّك بعد الأمر، مثل: <code>/subscribe إدلب</code>\n" +
		"لعرض كل الأوامر: /help"

	msgHelpHeader = "ℹ️ <b>أوامر عاجل</b>"
	msgHelpAdmin  = "\n\n<b>أوامر المشرفين</b>"

	msgTopicsPrompt      = "اختر الموضوعات التي تهمّك، واضغط على الموضوع مرة أخرى لإلغاء الاشتراك فيه:"
	msgTopicsEmpty       = "لا موضوعات متاحة حاليًا. يمكنك الاشتراك في كلمة، مثل: <code>/subscribe إدلب</code>"
	msgUnsubscribePrompt = "اختر الاشتراك الذي تريد إلغاءه:"
	msgNothingToRemove   = "لا اشتراكات بعد. اكتب /topics لاختيار موضوع."
	msgNoneLeft          = "لم يبقَ أي اشتراك. اكتب /topics لاختيار موضوع."
	msgNoMutesLeft       = "لم تبقَ كلمات مكتومة."

	msgUnknownCommand = "لم أتعرّف على هذا الأمر. اكتب /help لعرض الأوامر المتاحة."
	msgPlainText      = "أفهم الأوامر فقط. للاشتراك في كلمة اكتب مثلًا: <code>/subscribe إدلب</code>\nولعرض كل الأوامر: /help"
	msgSlowDown       = "🐢 مهلًا! وصلتني رسائل كثيرة في وقت قصير. انتظر قليلًا ثم أعد المحاولة."
	msgInternalError  = "⚠️ حدث خطأ مؤقت. حاول مرة أخرى بعد قليل."
	msgUnavailable    = "هذه الميزة غير متاحة حاليًا."

	msgNotGroupAdmin = "عذرًا، تغيير اشتراكات المجموعة وإعداداتها مقصور على مشرفيها."
	msgNotBotAdmin   = "عذرًا، هذا الأمر مخصّص لمشرفي البوت."

	msgKeywordEmpty    = "اكتب الموضوع أو الكلمة بعد الأمر، مثل: <code>/subscribe إدلب</code>"
	msgKeywordSymbols  = "لا يمكن الاشتراك في رموز أو علامات ترقيم أو إيموجي فقط: يجب أن تحتوي الكلمة على حروف أو أرقام."
	msgKeywordControl  = "تحتوي الكلمة على محارف تحكّم غير مرئية (مثل علامات اتجاه النص). أعد كتابتها من دونها."
	msgKeywordTooShort = "هذه الكلمة شائعة جدًا ولا تصلح للاشتراك. جرّب كلمة أدقّ، مثل اسم مدينة أو شخص."

	msgListEmpty      = "📭 لا اشتراكات بعد.\nاختر موضوعًا من /topics أو اكتب كلمة، مثل: <code>/subscribe إدلب</code>"
	msgListHeader     = "📋 <b>الاشتراكات</b>"
	msgListTopics     = "الموضوعات: "
	msgListWords      = "الكلمات: "
	msgListMutes      = "🔇 مكتوم: "
	msgMuteUsage      = "اكتب الكلمة أو العبارة بعد الأمر لإخفاء كل خبر يذكرها، مثل: <code>/mute كرة القدم</code>"
	msgMuteMarkup     = "هذا يشبه شيفرة HTML لا كلمة. اكتب الكلمة أو العبارة نفسها، مثل: <code>/mute كرة القدم</code>"
	msgMuteTooCommon  = "هذه الكلمة شائعة جدًا: كتمها يخفي كل الأخبار تقريبًا. جرّب كلمة أدقّ."
	msgNoMutes        = "لا كلمات مكتومة. اكتب <code>/mute كلمة</code> لإخفاء الأخبار التي تذكرها."
	msgUnmutePrompt   = "اختر ما تريد إلغاء كتمه:"
	msgListPaused     = "⏸ الإشعارات موقوفة مؤقتًا. اكتب /resume لاستئنافها."
	msgListJoin       = "، "
	msgPicturesAreOn  = "🖼 تصل الأخبار مع صورتها فوق النص حين يكون للخبر صورة."
	msgPicturesAreOff = "🖼 تصل الأخبار نصًّا بلا صور."
	msgPicturesUsage  = "\nاكتب <code>/pictures off</code> لإخفاء الصور أو <code>/pictures on</code> لإظهارها."
	msgPicturesBad    = "لم أفهم. "
	msgPicturesOn     = "🖼 ستصل الأخبار مع صورتها فوق النص حين يكون للخبر صورة. والموجز يبقى نصًّا."
	msgPicturesOff    = "تم. ستصل الأخبار نصًّا بلا صور. اكتب /pictures on لإعادتها."
	msgPaused         = "⏸ أُوقفت الإشعارات مؤقتًا، وتبقى الاشتراكات محفوظة. اكتب /resume لاستئنافها."
	msgResumed        = "▶️ استُؤنفت الإشعارات."
	msgStopped        = "🗑 حُذفت كل اشتراكات هذه المحادثة وإعداداتها، ولن تصل منّي رسائل بعد الآن.\nللعودة في أي وقت اكتب /start."
	msgQuietOff       = "🔔 أُلغيت ساعات الهدوء."
	msgQuietBad       = "صيغة غير صحيحة: اكتب ساعتين بين 0 و23، مثل: <code>/quiet 22-07</code>، أو <code>/quiet off</code> للإلغاء."
	msgQuietSame      = "ساعة البداية تساوي ساعة النهاية. لإلغاء ساعات الهدوء اكتب <code>/quiet off</code>."
	msgQuietUsage     = "\nلتغييرها اكتب مثلًا <code>/quiet 22-07</code>، أو <code>/quiet off</code> للإلغاء."
	msgQuietUnset     = "🔔 لا ساعات هدوء الآن."
	msgStaleButton    = "هذا الزر لم يعد صالحًا."
	msgStaleAlert     = "هذا الزر قديم. اكتب /topics من جديد."

	msgLatestHeader  = "🗞 <b>آخر الأخبار</b>"
	msgLatestNone    = "لا أخبار بعد. سأرسلها إليك فور وصولها."
	msgUnknownTopic  = "لا أعرف موضوعًا بهذا الاسم. اكتب /topics لعرض الموضوعات."
	msgSearchUsage   = "اكتب كلمات البحث بعد الأمر، مثل: <code>/search سعر الذهب</code>"
	msgSearchNoTerms = "لم أجد في طلبك كلمات يمكن البحث عنها (الكلمات الشائعة والرموز لا تُحتسب). جرّب كلمات أدقّ، مثل: <code>/search سعر الذهب</code>"
	msgSourceLabel   = "المصدر: "
	msgLinkLabel     = "الرابط"
	msgBreaking      = "أخبار عاجلة"
	msgFeedsEmpty    = "لا مصادر بعد. أضف مصدرًا بالأمر <code>/addfeed https://example.com/rss</code>"
	msgAddFeedUsage  = "اكتب رابط المصدر بعد الأمر، مثل: <code>/addfeed https://example.com/rss</code>، وبعده إن شئت <code>fulltext=never</code> أو <code>fulltext=always</code>، و<code>country=morocco</code> لمصدر محلي من بلد واحد"
	msgDelFeedUsage  = "اكتب رقم المصدر بعد الأمر، مثل: <code>/delfeed 3</code>. تجد الأرقام في /feeds."
	msgNever         = "لم يحدث بعد"
	msgNone          = "لا يوجد"
	msgStatsHeader   = "📊 <b>إحصاءات عاجل</b>"
	msgOthersLabel   = "مصادر أخرى: "

	msgLimitOff   = "🔓 أُلغي حدّ الأخبار في الساعة: يصلك كل خبر فور نشره."
	msgLimitUnset = "🔓 لا حدّ للأخبار في الساعة: يصلك كل خبر فور نشره."
	msgLimitBad   = "صيغة غير صحيحة: اكتب عددًا بين 1 و60، مثل: <code>/limit 5</code>، أو <code>/limit off</code> لإلغاء الحدّ."
	msgLimitUsage = "\nلتغييره اكتب مثلًا <code>/limit 5</code>، أو <code>/limit off</code> للإلغاء. الأخبار العاجلة تصل دائمًا فورًا."
)

// maxLimit is the highest /limit: above it the cap would hardly ever bite.
const maxLimit = 60

func msgSubscribedTopic(name string) string {
	return "✅ تمّ الاشتراك في موضوع " + quote(name) + ". ستصلك أخباره العاجلة فور نشرها."
}

func msgSubscribedKeyword(word string) string {
	return "✅ تمّ الاشتراك في الكلمة " + quote(word) + ". سيصلك كل خبر عاجل يذكرها."
}

func msgAlreadySubscribed(name string) string {
	return quote(name) + " ضمن الاشتراكات بالفعل. اكتب /list لعرضها."
}

func msgTooMany(limit int) string {
	return "بلغت الاشتراكات الحدّ الأقصى (" + countNoun(limit, "اشتراك", "اشتراكان", "اشتراكات", "اشتراكًا") +
		"). ألغِ اشتراكًا بالأمر /unsubscribe ثم أعد المحاولة."
}

func msgKeywordTooLong(limit int) string {
	return "الكلمة طويلة جدًا: الحدّ الأقصى " + countNoun(limit, "حرف", "حرفان", "أحرف", "حرفًا") + "."
}

func msgUnsubscribed(name string) string {
	return "تمّ إلغاء الاشتراك في " + quote(name) + "."
}

func msgNotSubscribed(name string) string {
	return quote(name) + " ليس ضمن الاشتراكات. اكتب /list لعرضها."
}

// callback answers are plain text (no HTML) of at most 200 characters.
func cbSubscribed(name string) string {
	return "✅ تمّ الاشتراك في " + textcut.Words(name, 150)
}
func cbUnmuted(name string) string { return "أُلغي كتم " + textcut.Words(name, 150) }

func cbUnsubscribed(name string) string {
	return "تمّ إلغاء الاشتراك في " + textcut.Words(name, 150)
}

func msgQuietSet(from, to int, zone string) string {
	return fmt.Sprintf("🌙 ساعات الهدوء من %02d:00 إلى %02d:00 بتوقيت %s: لا يرنّ فيها شيء. الأخبار العاجلة تصلك فورًا بلا صوت، "+
		"وتُجمع الأخبار الأخرى في موجز واحد يصلك عند %02d:00.", from, to, quote(zone), to)
}

func msgQuietCurrent(from, to int, zone string) string {
	return fmt.Sprintf("🌙 ساعات الهدوء الحالية من %02d:00 إلى %02d:00 بتوقيت %s.", from, to, quote(zone))
}

func msgListQuiet(from, to int, zone string) string {
	return fmt.Sprintf("🌙 ساعات الهدوء: %02d:00–%02d:00 بتوقيت %s", from, to, quote(zone))
}

func msgLatestTopicHeader(name string) string {
	return "🗞 <b>آخر أخبار " + quote(name) + "</b>"
}
func msgLatestTopicNone(name string) string {
	return "لا أخبار عن " + quote(name) + " بعد. اشترك فيه لتصلك فور نشرها."
}
func msgSearchHeader(query string) string {
	return "🔎 <b>نتائج البحث عن " + quote(query) + "</b>"
}
func msgSearchNone(query string) string {
	return "لم أجد أخبارًا تطابق " + quote(query) + "."
}

func msgFeedsHeader(n int) string {
	return "📡 <b>المصادر</b> (" + strconv.Itoa(n) + ")"
}

func msgFeedLine(id int64, title, rawURL, lastOK, lastErr string, failures int) string {
	s := fmt.Sprintf("<b>#%d</b> %s\n%s\nآخر نجاح: %s · إخفاقات متتالية: %d", id, esc(isolate(title)), esc(rawURL), lastOK, failures)
	if lastErr != "" {
		s += "\nآخر خطأ: " + lastErr
	}
	return s
}

// msgFeedHeld says how many new items the feed's last poll stored without
// pushing them, and why ("" when none).
func msgFeedHeld(h news.HeldItems) string {
	if h.Total() == 0 {
		return ""
	}
	var why []string
	if h.OverLimit > 0 {
		why = append(why, strconv.Itoa(h.OverLimit)+" تجاوزت حدّ الإرسال في التحديث الواحد")
	}
	if h.Old > 0 {
		why = append(why, strconv.Itoa(h.Old)+" تاريخها قديم")
	}
	if h.Future > 0 {
		why = append(why, strconv.Itoa(h.Future)+" تاريخها في المستقبل")
	}
	return "\n🔕 في آخر تحديث للمصدر حُفظ " + countStories(h.Total()) + " دون إرسال (" + strings.Join(why, "، ") + ")"
}

func msgFeedAdded(id int64, rawURL string) string {
	return fmt.Sprintf("✅ أُضيف المصدر <b>#%d</b>: %s\nستُسجَّل أخباره الحالية دون إرسالها، وتصل الجديدة منها فور نشرها.", id, esc(rawURL))
}

// fullTextNames says each full-text mode in the admin's words.
var fullTextNames = map[news.FullTextMode]string{
	news.FullTextAuto:   "تلقائي: تُقرأ صفحة الخبر حين لا يحمل المصدر إلا مقتطفًا",
	news.FullTextAlways: "دائمًا: تُقرأ صفحة كل خبر",
	news.FullTextNever:  "أبدًا: يُكتفى بنص المصدر",
}

// msgFeedOptions is the part of /addfeed's answer that says the feed's
// options, a line each.
func msgFeedOptions(f news.Feed) string {
	m := cmp.Or(f.FullText, news.FullTextAuto)
	out := "\nالنص الكامل (<code>fulltext=" + string(m) + "</code>): " + fullTextNames[m] + "."
	if f.Country != "" {
		out += "\nالبلد (<code>country=" + esc(f.Country) + "</code>): الأخبار التي لا تذكر مكانًا تُنسب إليه، وتُقرأ أسماء الأماكن المشتركة على أنها فيه."
	}
	return out
}

func msgFeedOptionsSet(f news.Feed) string {
	return fmt.Sprintf("✅ المصدر <b>#%d</b> موجود، وتغيّرت خياراته.", f.ID) + msgFeedOptions(f)
}

// msgFeedOptionList is every option /addfeed takes, for its refusals.
func msgFeedOptionList() string {
	var b strings.Builder
	for i, o := range strings.Fields(news.FeedOptionUsage()) {
		if i > 0 {
			b.WriteString("، ")
		}
		b.WriteString("<code>" + esc(o) + "</code>")
	}
	return b.String()
}

func msgFeedUnknownOption(name string) string {
	return "لا أعرف الخيار «" + esc(name) + "». الخيارات المتاحة بعد الرابط: " + msgFeedOptionList() + "."
}

func msgFeedBadOption(key, val, usage string) string {
	return "قيمة <code>" + esc(key) + "</code> «" + esc(val) + "» غير معروفة. القيم المقبولة: <code>" + esc(key) + "=" + esc(usage) + "</code>."
}

// msgFeedCountry is the /feeds line of a feed's country ("" for none).
func msgFeedCountry(slug string) string {
	if slug == "" {
		return ""
	}
	return "\nالبلد: <code>country=" + esc(slug) + "</code>"
}

func msgFeedUnknownCountry(val string) string {
	return "لا أعرف مكانًا اسمه «" + esc(val) + "» في قائمة المواضيع. اكتب رمز بلد أو اسمه كما في /topics، مثل <code>country=morocco</code> أو <code>country=المغرب</code>، أو <code>country=none</code> لإلغاء بلد المصدر."
}

const msgFeedUnclosedQuote = "علامة الاقتباس \" غير مغلقة: ضع القيمة التي فيها مسافات كلها بين علامتَي اقتباس، مثل <code>name=\"الشرق الأوسط\"</code>."

// msgFeedPages is the /feeds line about a feed's article pages: its mode,
// how many were read and how many gave nothing usable, and the last
// reason (Telegram HTML already); "" for a feed in the default mode that
// never needed a page.
func msgFeedPages(m news.FullTextMode, c news.PageCounts, lastErr string) string {
	m = cmp.Or(m, news.FullTextAuto)
	if m == news.FullTextAuto && c.Read == 0 {
		return ""
	}
	s := "\nالنص الكامل: <code>" + string(m) + "</code>"
	if c.Read > 0 {
		s += fmt.Sprintf(" · صفحات قُرئت: %d، تعذّر استعمال %d", c.Read, c.Failed)
	}
	if c.Failed > 0 && lastErr != "" {
		s += "\nآخر صفحة لم تُستعمل: " + lastErr
	}
	return s
}

// msgFeedCadence is the /feeds line about how the feed is followed: its
// current interval between polls and its WebSub subscription (Telegram
// HTML; until is the lease's end, formatted).
func msgFeedCadence(interval time.Duration, ws news.WebSubStatus, until, reason string) string {
	var s string
	if interval > 0 {
		s = "\nيُحدَّث كل " + arabicDuration(interval)
	}
	switch ws.State {
	case news.WebSubActive:
		s += "\nWebSub: يصل الجديد فور نشره، والاشتراك قائم حتى " + until
	case news.WebSubPending:
		s += "\nWebSub: طُلب الاشتراك وينتظر تأكيد المركز"
	case news.WebSubFailed:
		s += "\nWebSub: تعذّر الاشتراك، فالمصدر يُحدَّث بالاستطلاع: " + reason
	}
	return s
}

// arabicDuration says a poll interval in Arabic as it follows «كل», to
// the second under a minute and to the minute above: "45 ثانية"،
// "دقيقتين و30 ثانية"، "ساعة".
func arabicDuration(d time.Duration) string {
	seconds := func(n int) string {
		return inForm(n, [5]string{"ثانية", "ثانيتين", "%d ثوانٍ", "%d ثانية", "%d ثانية"})
	}
	minutes := func(n int) string {
		return inForm(n, [5]string{"دقيقة", "دقيقتين", "%d دقائق", "%d دقيقة", "%d دقيقة"})
	}
	hours := func(n int) string {
		return inForm(n, [5]string{"ساعة", "ساعتين", "%d ساعات", "%d ساعة", "%d ساعة"})
	}
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return seconds(max(int(d/time.Second), 1))
	case d < time.Hour:
		out := minutes(int(d / time.Minute))
		if sec := int(d % time.Minute / time.Second); sec > 0 {
			out += " و" + seconds(sec)
		}
		return out
	}
	d = d.Round(time.Minute)
	out := hours(int(d / time.Hour))
	if m := int(d % time.Hour / time.Minute); m > 0 {
		out += " و" + minutes(m)
	}
	return out
}

const (
	msgFollowButton     = "🔔 تابِع الخبر"
	msgUnfollowButton   = "إلغاء المتابعة"
	msgFollowing        = "ستصلك مستجدات هذا الخبر ردًّا على هذه الرسالة، لمدة 48 ساعة."
	msgAlreadyFollowing = "تتابع هذا الخبر بالفعل."
	msgFollowExpired    = "انقضت مدة متابعة هذا الخبر (48 ساعة من وصوله)."
	msgNotFollowing     = "لا تتابع هذا الخبر."
	msgUnfollowed       = "أُلغيت متابعة الخبر."
	msgNoFollows        = "لا تتابع أي خبر الآن. اضغط «🔔 تابِع الخبر» تحت أي خبر لتصلك مستجداته."
	msgFollowingHeader  = "🔔 <b>الأخبار التي تتابعها</b> (اضغط زرًّا لإيقاف المتابعة):"
	msgFollowUntil      = "حتى"
)

const (
	msgSettingsQuietOff    = "بلا ساعات هدوء"
	msgSettingsLimitOff    = "بلا حدّ"
	msgSettingsPicturesOn  = "تظهر فوق الخبر"
	msgSettingsPicturesOff = "لا تظهر"
	msgSettingsRunning     = "تصلك الأخبار"
	msgSettingsPaused      = "⏸ متوقفة مؤقتًا"
	msgSettingsSaved       = "تم الحفظ"
	msgRingBreaking        = "الأخبار العاجلة فقط"
	msgRingAll             = "كل الأخبار"
	msgRingNone            = "لا شيء"
	msgSoundUsage          = "\nاكتب <code>/sound breaking</code> للعاجل فقط، أو <code>/sound all</code> لكل الأخبار، أو <code>/sound none</code> لإسكات كل شيء."
	msgSoundBad            = "لم أفهم."
)

// msgSettings is /settings' message: each setting, now, and its command.
func msgSettings(rings, quiet, limit, pictures, state string) string {
	return "⚙️ <b>الإعدادات</b> (اضغط زرًّا لتغييرها)\n" +
		"🔔 يصل بصوت: " + rings + " · /sound\n" +
		"🌙 ساعات الهدوء: " + quiet + " · /quiet\n" +
		"⏱ حدّ الأخبار: " + limit + " · /limit\n" +
		"🖼 الصور: " + pictures + " · /pictures\n" +
		"▶️ الحالة: " + state + " · /pause /resume"
}

func msgSoundNow(rings string) string {
	return "🔔 يصل بصوت الآن: " + rings + ". وفي ساعات الهدوء لا يرنّ شيء."
}

func msgMuted(display string) string {
	return "🔇 لن تصلك بعد الآن الأخبار التي تذكر " + quote(display) +
		"، حتى لو طابقت موضوعًا أو كلمة تتابعها. للتراجع: <code>/unmute " + esc(display) + "</code>"
}

// msgMuteWins tells a reader who follows the same word that the mute wins.
func msgMuteWins(display string) string {
	return "\nتنبيه: أنت مشترك أيضًا في الكلمة " + quote(display) + "، والكتم هو الذي يسري: لن تصلك أخبارها ما دام قائمًا."
}

func msgAlreadyMuted(display string) string { return quote(display) + " مكتومة بالفعل." }

func msgUnmuted(display string) string { return "🔈 أُلغي كتم " + quote(display) + "." }

func msgNotMuted(echo string) string {
	return quote(echo) + " ليست مكتومة. اكتب /unmute لعرض الكلمات المكتومة."
}

func msgFeedExists(id int64) string {
	return fmt.Sprintf("هذا المصدر موجود بالفعل (<b>#%d</b>).", id)
}

// msgFeedAddFailed is /addfeed's refusal of rawURL; reason is one of the
// msgFeed… reasons below (Telegram HTML already).
func msgFeedAddFailed(rawURL, reason string) string {
	return "تعذّرت إضافة المصدر " + esc(rawURL) + ":\n" + reason
}

const (
	msgFeedBadURL   = "العنوان ليس رابطًا صالحًا يبدأ بـ <code>http://</code> أو <code>https://</code> ويحمل اسم موقع."
	msgFeedPrivate  = "العنوان يشير إلى شبكة داخلية أو خاصة، ولا يجلب البوت المصادر منها."
	msgFeedAddError = "حدث خطأ غير متوقع أثناء حفظ المصدر، وسُجّلت تفاصيله في سجلّ البوت. حاول مرة أخرى بعد قليل."
)

func msgFeedNoSuchHost(host string) string {
	return "لم أجد الموقع " + quote(host) + ": تأكد من كتابة اسمه صحيحًا."
}
func msgFeedDeleted(id int64) string {
	return fmt.Sprintf("🗑 حُذف المصدر <b>#%d</b>.", id)
}
func msgFeedNotFound(id int64) string {
	return fmt.Sprintf("لا يوجد مصدر بالرقم %d. تجد الأرقام في /feeds.", id)
}

func msgStats(s Stats, oldest string) string {
	text := msgStatsHeader + "\n" +
		fmt.Sprintf("المحادثات: %d (النشطة %d، الموقوفة مؤقتًا %d)\n", s.Chats, s.ActiveChats, s.PausedChats) +
		fmt.Sprintf("الاشتراكات: %d\nالمصادر: %d\nالمقالات: %d\nالقصص: %d\nقنوات الموضوعات: %d\n",
			s.Subscriptions, s.Feeds, s.Articles, s.Stories, s.Channels) +
		fmt.Sprintf("صندوق الإرسال: بانتظار الإرسال %d، أُرسل %d، فشل %d، أُسقط %d\n", s.Pending, s.Sent, s.Failed, s.Dropped) +
		"أقدم رسالة منتظرة: " + oldest
	if s.DatabaseBytes > 0 {
		text += "\nقاعدة البيانات: " + strconv.FormatFloat(float64(s.DatabaseBytes)/(1<<20), 'f', 1, 64) + " ميغابايت"
		if s.PrunedDeliveries+s.PrunedArticles == 0 {
			text += "، ولم يُحذف منها شيء قديم منذ التشغيل"
		} else {
			text += "، وحُذف منذ التشغيل " +
				countNoun(int(s.PrunedDeliveries), "رسالة قديمة", "رسالتان قديمتان", "رسائل قديمة", "رسالة قديمة") + " و" +
				countNoun(int(s.PrunedArticles), "خبر قديم", "خبران قديمان", "أخبار قديمة", "خبرًا قديمًا")
		}
	}
	if s.PaidEnabled || s.PaidSent > 0 {
		state := "مفعّل"
		if !s.PaidEnabled {
			state = "متوقف"
		}
		// 0.1 Star a message: only those beyond the free rate go paid.
		text += fmt.Sprintf("\nالبث المدفوع (%s): %d رسالة، نحو %s نجمة", state, s.PaidSent,
			strconv.FormatFloat(float64(s.PaidSent)/10, 'f', -1, 64))
	}
	return text
}

// countForm is the form of a counted noun Arabic grammar wants after a
// number: the singular after one, the dual for two, the plural for 3–10,
// the accusative singular for 11–99, and the singular (genitive) after
// whole hundreds (100, 101, 102, 200…) and zero.
type countForm int

const (
	formOne countForm = iota
	formTwo
	formFew
	formMany
	formHundreds
)

func formOf(n int) countForm {
	switch n {
	case 1:
		return formOne
	case 2:
		return formTwo
	}
	m := n % 100
	switch {
	case m >= 3 && m <= 10:
		return formFew
	case m >= 11:
		return formMany
	}
	return formHundreds
}

// inForm is the phrase written for n's countForm, in the order one, two,
// few, many, hundreds; "%d" in it stands for n.
func inForm(n int, forms [5]string) string {
	return strings.ReplaceAll(forms[formOf(n)], "%d", strconv.Itoa(n))
}

// otherSources says how many more outlets carried a story, with the noun in
// the form that agrees with the number (and the verb too: masculine before
// مصدر, feminine before the broken plural مصادر).
func otherSources(n int) string {
	return inForm(n, [5]string{"وأفاد به مصدر آخر", "وأفاد به مصدران آخران", "وأفادت به %d مصادر أخرى",
		"وأفاد به %d مصدرًا آخر", "وأفاد به %d مصدر آخر"})
}

// countNoun writes n followed by the noun in the form that agrees with it
// (see countForm).
func countNoun(n int, one, two, few, many string) string {
	return inForm(n, [5]string{one + " واحد", two, "%d " + few, "%d " + many, "%d " + one})
}

func msgLimitSet(n int) string {
	return "⏱ يصلك من الآن " + countStories(n) +
		" في الساعة على الأكثر، وما زاد عليها يصلك مجمّعًا في موجز واحد. الأخبار العاجلة تصل دائمًا فورًا."
}

// msgLimitBurst says, after "no limit", that a flood still becomes a
// digest past the automatic cap (n; nothing when there is none).
func msgLimitBurst(n int) string {
	if n <= 0 {
		return ""
	}
	return "\nوإن تدفّقت الأخبار بكثرة جُمع ما زاد على " + countStories(n) + " في الساعة في موجز واحد."
}

func msgLimitCurrent(n int) string {
	return "⏱ الحدّ الحالي: " + countStories(n) + " في الساعة، والباقي في موجز."
}

func msgListLimit(n int) string {
	return "⏱ الحدّ: " + countStories(n) + " في الساعة، والباقي في موجز"
}

// countStories is n followed by "خبر" in the form that agrees with it.
func countStories(n int) string {
	return countNoun(n, "خبر", "خبران", "أخبار", "خبرًا")
}

// msgDigestHeader is the first line of a digest of n stories.
func msgDigestHeader(n int) string {
	return "🗞️ <b>موجز الأخبار</b> · " + countStories(n)
}

// msgDigestMore says how many more stories a digest had no room for.
func msgDigestMore(n int) string {
	return inForm(n, [5]string{"وخبر آخر", "وخبران آخران", "و%d أخبار أخرى", "و%d خبرًا آخر", "و%d خبر آخر"})
}

// Topic channels.
const (
	msgBreakingTopic  = "الأخبار العاجلة"
	msgChannelsHint   = "📢 لبعض الموضوعات قناة تنشر أخبارها فور وصولها إلى كل أعضائها: اضغط اسمها أدناه لتنضمّ إليها، أو اشترك هنا لتصلك في رسائل خاصة."
	msgChannelsHeader = "📢 <b>قنوات الموضوعات</b>"
	msgChannelsNone   = "📭 لا قنوات للموضوعات بعد."
	msgChannelUsage   = "الاستعمال:\n<code>/channel</code> لعرض القنوات\n" +
		"<code>/channel add @قناة موضوع</code> لنشر كل أخبار الموضوع في القناة أولًا، قبل الرسائل الخاصة (البوت مشرف فيها يملك صلاحية النشر)\n" +
		"<code>/channel del @قناة</code> لإيقاف النشر فيها\n" +
		"الموضوع <code>breaking</code> (أو «عاجل») يعني كل خبر عاجل، أيًّا كان موضوعه."
	msgThreadMoved = "🧵 حُذف الموضوع الذي كان يتابع الأخبار في هذه المجموعة، فصارت اشتراكاته تصل إلى الموضوع العام هنا. " +
		"لمتابعة الأخبار في موضوع آخر اكتب /subscribe داخله."
)

func msgChannelButton(topic string) string { return "📢 قناة " + topic }

func msgChannelLine(topic, channel string, fromConfig, enabled bool, reason string) string {
	s := "• " + quote(topic) + " ← " + esc(isolate(channel))
	if fromConfig {
		s += " (من الإعداد <code>CHANNELS</code>)"
	}
	if !enabled {
		s += "\n⛔️ متوقفة: " + esc(isolateMixed(reason))
	}
	return s
}

func msgChannelAdded(topic, channel string) string {
	return "✅ تُنشر أخبار " + quote(topic) + " من الآن في القناة " + esc(isolate(channel)) +
		" أولًا، قبل الرسائل الخاصة، ويرى القرّاء رابطها في /topics."
}

func msgChannelNotFound(ref string) string {
	return "لم يجد تيليغرام القناة " + quote(ref) + ". تحقّق من اسمها أو رقمها، ومن أن البوت أُضيف إليها."
}

func msgNotAChannel(ref string) string {
	return quote(ref) + " ليست قناة. لتصل الأخبار إلى مجموعة، اكتب /subscribe داخل المجموعة نفسها."
}

func msgChannelNoRights(ref string) string {
	return "البوت ليس مشرفًا في القناة " + quote(ref) + " أو لا يملك صلاحية النشر فيها. أضفه مشرفًا مع صلاحية نشر الرسائل، ثم أعد المحاولة."
}

func msgChannelNotMapped(ref string) string {
	return quote(ref) + " ليست من قنوات الموضوعات. اكتب /channel لعرضها."
}

func msgChannelDeleted(channel string, topics int) string {
	return "🗑 توقّف النشر في القناة " + esc(isolate(channel)) + " (" +
		countNoun(topics, "موضوع", "موضوعان", "موضوعات", "موضوعًا") + ")."
}

func msgChannelLost(channel, topics, reason string) string {
	return "⚠️ توقّف نشر الأخبار في القناة " + esc(isolate(channel)) + " (" + esc(topics) + "): رفض تيليغرام النشر فيها (" +
		esc(isolateMixed(reason)) + "). أعد البوت مشرفًا يملك صلاحية النشر، ثم اكتب <code>/channel add " +
		esc(isolate(channel)) + " الموضوع</code>. الرسائل الخاصة إلى القرّاء مستمرة."
}
