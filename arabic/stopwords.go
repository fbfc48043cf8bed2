package arabic

import "strings"

// stopWordList holds Arabic function words in normalized form: particles,
// prepositions with their attached pronouns, pronouns, demonstratives,
// relatives, auxiliaries and the reporting verbs that fill news copy
// without saying what happened.
const stopWordList = `
في من الي علي عن مع ب ل ك و ف ثم او ام بل لكن لكنه لكنها ولكن حتي اذ اذا اذن ان انه انها انهم
ان ما ماذا متي اين كيف كم لم لن لا لما ليس ليست ليسوا قد لقد سوف س هل يا اي ايه ايضا
هو هي هم هن هما انا نحن انت انتم انتما انتن اياه اياها اياهم
هذا هذه هذان هاتان هؤلاء ذلك تلك اولئك ذاك هناك هنا هنالك
الذي التي الذين اللذان اللتان اللواتي اللاتي اللائي من ما
كان كانت كانوا كن يكون تكون يكونون اصبح اصبحت صار صارت ظل ظلت بات مازال مايزال لايزال
به بها بهم بهما فيه فيها فيهم منه منها منهم عنه عنها عنهم عليه عليها عليهم اليه اليها اليهم
له لها لهم لهما معه معها معهم لدي لدى لديه لديها لديهم عند عنده عندها عندما بعد قبل بين خلال
حول ضد دون نحو لدن منذ مذ فوق تحت امام وراء خلف عبر لدي حين حيث بينما كما مثل غير سوي
كل بعض جميع كلا كلتا اي عده عدد نفس ذات
و وفي ومن والي وعلي وعن ومع وهو وهي وهم وقد ولا ولم ولن وما وان وكان وكانت وهذا وهذه وذلك
فان فقد فهو فهي فلا فما فيما مما عما بما ربما انما اما الا الي
قال قالت يقول تقول اضاف اضافت وقال وقالت واضاف واضافت واكد واكدت اكد اكدت اشار اشارت
واشار واشارت اوضح اوضحت واوضح واوضحت ذكر ذكرت وذكر وذكرت افاد افادت وافاد وافادت
يذكر يشار يذكران تابع وتابع
الان اليوم امس غدا ايضا جدا فقط حاليا
`

// stopWords is built once by newStopWords; it is read-only afterwards.
var stopWords = newStopWords()

func newStopWords() map[string]struct{} {
	m := make(map[string]struct{}, 300)
	for _, w := range strings.Fields(stopWordList) {
		m[w] = struct{}{}
	}
	return m
}

// IsStopWord reports whether tok is an Arabic function word (or a
// reporting verb such as قال). It accepts raw or normalized tokens.
func IsStopWord(tok string) bool {
	if IsStopToken(tok) {
		return true
	}
	if n := Normalize(tok); n != tok {
		_, ok := stopWords[n]
		return ok
	}
	return false
}

// IsStopToken is IsStopWord for a token already in matching form, as
// Tokens and Analyze give them: it does not normalize again.
func IsStopToken(tok string) bool {
	_, ok := stopWords[tok]
	return ok
}
