package topic_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/topic"
)

// filler is a sentence about nothing in particular, written for these
// tests, to push a mention deep into a long text.
const filler = "وتحدث المشاركون في اللقاء عن خطط العام المقبل وأولويات العمل. "

func TestPlaces(t *testing.T) {
	cl := topic.NewClassifier(topic.Embedded(), nil)
	tests := []struct {
		name, title, text string
		want              []string
	}{
		{"headline mention", "انفجار في بيروت", "", []string{"lebanon"}},
		{"lead sentence mention", "انفجار كبير في الميناء", "وقع الانفجار في مرفأ بيروت مساء أمس. " + filler, []string{"lebanon"}},
		{"one passing mention deep in the text is noise", "اجتماع لوزراء الزراعة", filler + filler + "وحضر اللقاء ممثل عن لبنان. " + filler, nil},
		{"two sentences of the body", "اجتماع لوزراء الزراعة", filler + "وتحدث وزير من لبنان. " + filler + "وقدم الوفد اللبناني مقترحا. ", []string{"lebanon"}},
		{"adjective and city", "الحكومة السورية تعلن خطة لإعادة إعمار حلب", "", []string{"syria"}},
		{"several places, catalogue order", "محادثات بين مصر ولبنان", "", []string{"lebanon", "egypt"}},
		{"nothing", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cl.Places(tt.title, tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Places = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSectionsAndTopics(t *testing.T) {
	cl := topic.NewClassifier(topic.Embedded(), topic.EmbeddedModel())
	tests := []struct {
		name, title, text string
		want              []string // must all be present
		not               []string // must be absent
	}{
		{"model: sport", "المنتخب يفوز على منافسه بثلاثة أهداف ويتصدر المجموعة",
			"سجل المهاجم هدفين في الشوط الأول وأضاف زميله الهدف الثالث، ليرفع الفريق رصيده إلى تسع نقاط في صدارة الترتيب قبل الجولة الأخيرة.",
			[]string{"sports"}, []string{"economy", "politics"}},
		{"model: economy", "تراجع أسعار النفط وارتفاع التضخم في منطقة اليورو",
			"هبطت أسعار خام برنت في تعاملات الأسواق العالمية، بينما أظهرت بيانات رسمية ارتفاع معدل التضخم، ما يزيد الضغط على البنك المركزي لرفع أسعار الفائدة.",
			[]string{"economy"}, []string{"sports"}},
		{"headline words add a section the model lacks", "وزارة الصحة تعلن حملة تطعيم جديدة", "", []string{"health"}, nil},
		{"places and sections together", "انفجار في بيروت يوقع عشرات الجرحى", "", []string{"lebanon"}, []string{"sports"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cl.Topics(tt.title, tt.text)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Topics = %q, missing %q", got, w)
				}
			}
			for _, n := range tt.not {
				if slices.Contains(got, n) {
					t.Errorf("Topics = %q, has %q", got, n)
				}
			}
			c := topic.Embedded()
			for _, s := range got {
				if _, ok := c.BySlug(s); !ok {
					t.Errorf("slug %q not in the catalogue", s)
				}
			}
		})
	}
}

func TestClassifierDropsSlugsTheCatalogueLacks(t *testing.T) {
	// An operator's catalogue with one place and one section: the model's
	// other classes (sports, politics…) have nowhere to go.
	c, err := topic.New([]news.Topic{
		{Slug: "home", Name: "بلدنا", Kind: news.TopicPlace, Words: []string{"بلدنا"}},
		{Slug: "economy", Name: "اقتصاد", Kind: news.TopicSection, Words: []string{"البورصة"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cl := topic.NewClassifier(c, topic.EmbeddedModel())
	got := cl.Topics("المنتخب يفوز على منافسه بثلاثة أهداف ويتصدر المجموعة",
		"سجل المهاجم هدفين في الشوط الأول وأضاف زميله الهدف الثالث، ليرفع الفريق رصيده إلى تسع نقاط في صدارة الترتيب.")
	if len(got) != 0 {
		t.Errorf("Topics = %q, want none", got)
	}
	got = cl.Topics("البورصة في بلدنا تغلق على ارتفاع", "")
	if !slices.Equal(got, []string{"home", "economy"}) {
		t.Errorf("Topics = %q", got)
	}
}

func BenchmarkTopics(b *testing.B) {
	cl := topic.NewClassifier(topic.Embedded(), topic.EmbeddedModel())
	text := strings.Repeat("هبطت أسعار خام برنت في تعاملات الأسواق العالمية في بيروت، بينما أظهرت بيانات رسمية ارتفاع معدل التضخم. ", 12)
	for b.Loop() {
		cl.Topics("تراجع أسعار النفط وارتفاع التضخم", text)
	}
}
