package summary_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/summary"
)

// fiveOutlets is one developing story of ours, told by five outlets in an
// hour: the first telling (the push), then another outlet in other words,
// a new toll, a statement and a new place, the new toll again.
var fiveOutlets = []struct{ outlet, text string }{
	{"الأولى", "انفجرت سيارة مفخخة قرب سوق شعبي في مدينة حمص صباح اليوم. وقال الدفاع المدني إن 4 أشخاص قتلوا في الانفجار."},
	{"الثانية", "قتل 4 أشخاص بانفجار سيارة مفخخة قرب سوق شعبي في حمص صباح اليوم بحسب الدفاع المدني."},
	{"الثالثة", "ارتفعت حصيلة انفجار حمص إلى 9 قتلى بعد وفاة مصابين في المستشفى."},
	{"الرابعة", "قال محافظ حمص في بيان إن الأجهزة الأمنية اعتقلت مشتبها به يقود دراجة نارية فر من المكان. انفجرت السيارة قرب السوق."},
	{"الخامسة", "ارتفعت حصيلة انفجار حمص إلى 9 قتلى، وقال محافظ حمص إن الأجهزة الأمنية اعتقلت مشتبها به."},
}

func TestNewFactsOfADevelopingStory(t *testing.T) {
	known := fiveOutlets[0].text // what the push carried
	var updates [][]string
	for _, o := range fiveOutlets[1:] {
		facts := summary.NewFacts(known, o.text)
		updates = append(updates, facts)
		known += "\n" + strings.Join(facts, "\n")
	}
	if len(updates[0]) != 0 {
		t.Errorf("another outlet in other words gave an update: %q", updates[0])
	}
	if len(updates[1]) != 1 || !strings.Contains(updates[1][0], "9") {
		t.Errorf("the new toll: %q", updates[1])
	}
	if len(updates[2]) != 1 || !strings.Contains(updates[2][0], "اعتقلت") {
		t.Errorf("the statement (and not the repeated place): %q", updates[2])
	}
	if len(updates[3]) != 0 {
		t.Errorf("the same facts again gave an update: %q", updates[3])
	}
	total := 0
	for _, u := range updates {
		total += len(u)
	}
	t.Logf("a follower of a story told by 5 outlets gets %d updates with %d new facts (want 2: the toll and the arrest)", countNonEmpty(updates), total)
	if got := summary.NewFacts("", "تابعونا على تويتر. شارك هذا المقال."); len(got) != 0 {
		t.Errorf("boilerplate as facts: %q", got)
	}
}

func countNonEmpty(us [][]string) int {
	return len(slices.DeleteFunc(slices.Clone(us), func(u []string) bool { return len(u) == 0 }))
}
