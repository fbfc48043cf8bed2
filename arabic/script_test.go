package arabic_test

import (
	"testing"

	"github.com/ajel-news/ajel/arabic"
)

func TestIsArabic(t *testing.T) {
	for s, want := range map[string]bool{
		"افتتاح جسر جديد فوق نهر النيل":              true,
		"ويمبانياما يقود سبيرز للفوز في دوري NBA":    true,
		"قمة COP30 تبدأ أعمالها في البرازيل":         true,
		"The council approved the budget on Monday.": false,
		"Le conseil a approuvé le budget lundi.":     false,
		"شورای شهر بودجه را تصویب کرد":               false, // Persian
		"کونسل نے پیر کو بجٹ کی منظوری دے دی":        false, // Urdu
		"ترامب: We will win":                         false,
		"...!!!":                                     false,
		"":                                           false,
		"٢٠٢٥":                                       false,
	} {
		if got := arabic.IsArabic(s); got != want {
			t.Errorf("IsArabic(%q) = %v, want %v", s, got, want)
		}
	}
}
