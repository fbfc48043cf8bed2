package summary_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/summary"
)

// places are a few place topics of ours, as the catalogue holds them.
var places = []news.Topic{
	{Slug: "syria", Name: "سوريا", Kind: news.TopicPlace, Words: []string{"سوريا", "حمص", "حلب", "إدلب", "مدينة حماة", "دمشق"}},
	{Slug: "lebanon", Name: "لبنان", Kind: news.TopicPlace, Words: []string{"لبنان", "بيروت", "صيدا"}},
}

func TestDifferencesBetweenTellings(t *testing.T) {
	c := summary.NewComparer(places)
	for _, tc := range []struct {
		name     string
		tellings []string
		want     [][]string
	}{
		{"the same facts in other words mark nothing", []string{
			"انفجار سيارة مفخخة في حمص\nقال الدفاع المدني إن 4 أشخاص قتلوا في انفجار سيارة مفخخة قرب سوق في حمص.",
			"مقتل 4 أشخاص بانفجار في حمص\nقتل 4 أشخاص بانفجار سيارة مفخخة قرب سوق شعبي في مدينة حمص صباح اليوم.",
		}, [][]string{nil, nil}},
		{"two tolls", []string{
			"انفجار في حمص\nقتل 4 أشخاص في انفجار سيارة مفخخة في حمص.",
			"انفجار في حمص\nارتفعت حصيلة انفجار حمص إلى 9 قتلى.",
			"انفجار في حمص\nانفجرت سيارة مفخخة في حمص صباح اليوم.",
		}, [][]string{{"4 أشخاص"}, {"9 قتلى"}, nil}},
		{"a toll that rose: only the figure the other lacks", []string{
			"انفجار في حمص\nقتل 4 أشخاص في الانفجار، ثم ارتفعت الحصيلة إلى 9 قتلى.",
			"انفجار في حمص\nقتل 9 أشخاص في انفجار حمص.",
		}, [][]string{{"4 أشخاص"}, nil}},
		{"another town", []string{
			"غارة جوية على حمص\nاستهدفت غارة جوية حيا سكنيا في حمص فجر اليوم.",
			"غارة جوية على مدينة حماة\nاستهدفت غارة جوية حيا سكنيا في مدينة حماة فجر اليوم.",
		}, [][]string{{"حمص"}, {"مدينة حماة"}}},
		{"a town beside the country, another telling with the country alone", []string{
			"زلزال يضرب سوريا\nضرب زلزال بقوة 5.8 درجات شمال سوريا.",
			"زلزال يضرب حلب\nضرب زلزال بقوة 6.1 درجة مدينة حلب في سوريا.",
		}, [][]string{{"5.8 درجات"}, {"6.1 درجة"}}},
		{"amounts and shares, Arabic-Indic digits, years left out", []string{
			"قرض للبنان\nأعلن البنك الدولي عام 2025 تقديم قرض بقيمة ٣ مليارات دولار للبنان، أي 30% من الحاجة.",
			"قرض للبنان\nأعلن البنك الدولي عام 2024 تقديم قرض بقيمة 3 مليارات دولار للبنان، أي 25% من الحاجة.",
		}, [][]string{{"30%"}, {"25%"}}},
		{"one telling alone", []string{"خبر\nقتل 4 أشخاص في حمص."}, [][]string{nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.Differences(tc.tellings)
			if len(got) != len(tc.want) {
				t.Fatalf("%d results for %d tellings", len(got), len(tc.tellings))
			}
			for i := range got {
				if !slices.Equal(got[i], tc.want[i]) {
					t.Errorf("telling %d: marked %q, want %q", i+1, got[i], tc.want[i])
				}
			}
		})
	}
}

// The 40 tellings of a story each with its own toll mark a handful of
// facts each, never the whole text.
func TestDifferencesAreBounded(t *testing.T) {
	c := summary.NewComparer(places)
	var ts []string
	for i := range 40 {
		ts = append(ts, strings.Repeat("قتل "+strings.Repeat("1", i%3+1)+" أشخاص و"+strings.Repeat("2", i%4+1)+" جرحى و3 مفقودين و7 معتقلين و8 صواريخ في حمص. ", 3))
	}
	for i, marks := range c.Differences(ts) {
		if len(marks) > 4 {
			t.Errorf("telling %d: %d marks", i, len(marks))
		}
	}
	if got := summary.NewComparer(nil).Differences([]string{"غارة على حمص", "غارة على حلب"}); got[0] != nil || got[1] != nil {
		t.Errorf("places marked without a catalogue: %q", got)
	}
}
