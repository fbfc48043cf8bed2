package arabic

import "unicode"

// IsArabic reports whether s is written in Arabic, by its letters: at
// least half of them are in the Arabic script, and those are Arabic's own
// rather than Persian's or Urdu's (which write ی ک for ي ك and add پ چ ژ
// گ ٹ ڈ ڑ ں ے ہ ھ). Latin names and acronyms in an Arabic text ("NBA",
// "COP30") do not change it. Text without letters is not Arabic.
func IsArabic(s string) bool {
	arabicScript, other := 0, 0
	own, persian := 0, 0 // Arabic's own ي ى ك ة, and Persian's and Urdu's letters
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		if !unicode.Is(unicode.Arabic, r) {
			other++
			continue
		}
		arabicScript++
		switch r {
		case 'ي', 'ى', 'ك', 'ة':
			own++
		case 'ی', 'ک', 'پ', 'چ', 'ژ', 'گ', 'ٹ', 'ڈ', 'ڑ', 'ں', 'ے', 'ۓ', 'ہ', 'ۀ', 'ھ', 'ۃ':
			persian++
		}
	}
	return arabicScript > 0 && arabicScript >= other && persian <= own
}
