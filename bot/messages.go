package bot

import (
	"fmt"
	"strconv"
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

	msgListEmpty   = "📭 لا اشتراكات بعد.\nاختر موضوعًا من /topics أو اكتب كلمة، مثل: <code>/subscribe إدلب</code>"
	msgListHeader  = "📋 <b>الاشتراكات</b>"
	msgListTopics  = "الموضوعات: "
	msgListWords   = "الكلمات: "
	msgListPaused  = "⏸ الإشعارات موقوفة مؤقتًا. اكتب /resume لاستئنافها."
	msgListJoin    = "، "
	msgPaused      = "⏸ أُوقفت الإشعارات مؤقتًا، وتبقى الاشتراكات محفوظة. اكتب /resume لاستئنافها."
	msgResumed     = "▶️ استُؤنفت الإشعارات."
	msgStopped     = "🗑 حُذفت كل اشتراكات هذه المحادثة وإعداداتها، ولن تصل منّي رسائل بعد الآن.\nللعودة في أي وقت اكتب /start."
	msgQuietOff    = "🔔 أُلغيت ساعات الهدوء."
	msgQuietBad    = "صيغة غير صحيحة: اكتب ساعتين بين 0 و23، مثل: <code>/quiet 22-07</code>، أو <code>/quiet off</code> للإلغاء."
	msgQuietSame   = "ساعة البداية تساوي ساعة النهاية. لإلغاء ساعات الهدوء اكتب <code>/quiet off</code>."
	msgQuietUsage  = "\nلتغييرها اكتب مثلًا <code>/quiet 22-07</code>، أو <code>/quiet off</code> للإلغاء."
	msgQuietUnset  = "🔔 لا ساعات هدوء الآن."
	msgStaleButton = "هذا الزر لم يعد صالحًا."
	msgStaleAlert  = "هذا الزر قديم. اكتب /topics من جديد."

	msgLatestHeader  = "🗞 <b>آخر الأخبار</b>"
	msgLatestNone    = "لا أخبار بعد. سأرسلها إليك فور وصولها."
	msgUnknownTopic  = "لا أعرف موضوعًا بهذا الاسم. اكتب /topics لعرض الموضوعات."
	msgSearchUsage   = "اكتب كلمات البحث بعد الأمر، مثل: <code>/search سعر الذهب</code>"
	msgSearchNoTerms = "لم أجد في طلبك كلمات يمكن البحث عنها (الكلمات الشائعة والرموز لا تُحتسب). جرّب كلمات أدقّ، مثل: <code>/search سعر الذهب</code>"
	msgSourceLabel   = "المصدر: "
	msgLinkLabel     = "الرابط"
	msgBreaking      = "أخبار عاجلة"
	msgFeedsEmpty    = "لا مصادر بعد. أضف مصدرًا بالأمر <code>/addfeed https://example.com/rss</code>"
	msgAddFeedUsage  = "اكتب رابط المصدر بعد الأمر، مثل: <code>/addfeed https://example.com/rss</code>"
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

// helpLine is one command in /help and in setMyCommands.
type helpLine struct {
	command string // without the slash
	args    string // shown after the command in /help
	desc    string // one line, plain text (setMyCommands takes no HTML)
}

// publicCommands are listed in /help and registered with setMyCommands.
var publicCommands = []helpLine{
	{"start", "", "البدء واختيار الموضوعات"},
	{"help", "", "عرض الأوامر"},
	{"topics", "", "الاشتراك في الموضوعات أو إلغاؤه بالأزرار"},
	{"subscribe", "<موضوع أو كلمة>", "الاشتراك في موضوع أو كلمة"},
	{"unsubscribe", "<موضوع أو كلمة>", "إلغاء اشتراك"},
	{"list", "", "عرض الاشتراكات"},
	{"latest", "[موضوع]", "آخر الأخبار"},
	{"search", "<كلمات>", "البحث في الأخبار"},
	{"pause", "", "إيقاف الإشعارات مؤقتًا"},
	{"resume", "", "استئناف الإشعارات"},
	{"quiet", "<22-07 أو off>", "ساعات الهدوء: الأخبار فيها بلا صوت إلا العاجلة"},
	{"limit", "<1-60 أو off>", "حدّ الأخبار في الساعة، وما زاد عليه يصل في موجز واحد"},
	{"stop", "", "حذف كل الاشتراكات والبيانات"},
}

// adminCommands are shown in /help to the bot's admins only.
var adminCommands = []helpLine{
	{"stats", "", "إحصاءات البوت"},
	{"feeds", "", "المصادر وحالتها"},
	{"addfeed", "<رابط>", "إضافة مصدر"},
	{"delfeed", "<رقم>", "حذف مصدر"},
}

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
	return "✅ تمّ الاشتراك في " + truncateRunes(name, 150)
}
func cbUnsubscribed(name string) string {
	return "تمّ إلغاء الاشتراك في " + truncateRunes(name, 150)
}

func msgQuietSet(from, to int, zone string) string {
	return fmt.Sprintf("🌙 ساعات الهدوء من %02d:00 إلى %02d:00 بتوقيت %s: تصل الأخبار فيها بلا صوت، إلا العاجلة منها.",
		from, to, quote(zone))
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

func msgFeedAdded(id int64, rawURL string) string {
	return fmt.Sprintf("✅ أُضيف المصدر <b>#%d</b>: %s\nستُسجَّل أخباره الحالية دون إرسالها، وتصل الجديدة منها فور نشرها.", id, esc(rawURL))
}

func msgFeedExists(id int64) string {
	return fmt.Sprintf("هذا المصدر موجود بالفعل (<b>#%d</b>).", id)
}
func msgFeedAddFailed(reason string) string {
	return "تعذّرت إضافة المصدر: " + esc(reason)
}
func msgFeedDeleted(id int64) string {
	return fmt.Sprintf("🗑 حُذف المصدر <b>#%d</b>.", id)
}
func msgFeedNotFound(id int64) string {
	return fmt.Sprintf("لا يوجد مصدر بالرقم %d. تجد الأرقام في /feeds.", id)
}

func msgStats(s Stats, oldest string) string {
	return msgStatsHeader + "\n" +
		fmt.Sprintf("المحادثات: %d (النشطة %d، الموقوفة مؤقتًا %d)\n", s.Chats, s.ActiveChats, s.PausedChats) +
		fmt.Sprintf("الاشتراكات: %d\nالمصادر: %d\nالمقالات: %d\nالقصص: %d\n", s.Subscriptions, s.Feeds, s.Articles, s.Stories) +
		fmt.Sprintf("صندوق الإرسال: بانتظار الإرسال %d، أُرسل %d، فشل %d، أُسقط %d\n", s.Pending, s.Sent, s.Failed, s.Dropped) +
		"أقدم رسالة منتظرة: " + oldest
}

// otherSources says how many more outlets carried a story, with the noun in
// the form Arabic grammar wants after that number (and the verb agreeing:
// masculine before مصدر, feminine before the broken plural مصادر).
func otherSources(n int) string {
	switch n {
	case 1:
		return "وأفاد به مصدر آخر"
	case 2:
		return "وأفاد به مصدران آخران"
	}
	m := n % 100
	switch {
	case m >= 3 && m <= 10:
		return "وأفادت به " + strconv.Itoa(n) + " مصادر أخرى"
	case m >= 11:
		return "وأفاد به " + strconv.Itoa(n) + " مصدرًا آخر"
	default: // 100, 101, 102, 200…: the noun is singular, genitive
		return "وأفاد به " + strconv.Itoa(n) + " مصدر آخر"
	}
}

// countNoun writes n followed by the noun in the form that agrees with it:
// one (singular), two (dual), 3–10 (plural), 11–99 (accusative singular),
// and the singular after hundreds.
func countNoun(n int, one, two, few, many string) string {
	switch n {
	case 1:
		return one + " واحد"
	case 2:
		return two
	}
	m := n % 100
	switch {
	case m >= 3 && m <= 10:
		return strconv.Itoa(n) + " " + few
	case m >= 11:
		return strconv.Itoa(n) + " " + many
	default:
		return strconv.Itoa(n) + " " + one
	}
}

func msgLimitSet(n int) string {
	return "⏱ يصلك من الآن " + countStories(n) +
		" في الساعة على الأكثر، وما زاد عليها يصلك مجمّعًا في موجز واحد. الأخبار العاجلة تصل دائمًا فورًا."
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
	switch n {
	case 1:
		return "وخبر آخر"
	case 2:
		return "وخبران آخران"
	}
	m := n % 100
	switch {
	case m >= 3 && m <= 10:
		return "و" + strconv.Itoa(n) + " أخبار أخرى"
	case m >= 11:
		return "و" + strconv.Itoa(n) + " خبرًا آخر"
	default:
		return "و" + strconv.Itoa(n) + " خبر آخر"
	}
}
