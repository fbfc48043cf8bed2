package storage

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/ajel-news/ajel/news"
)

// rhythmVersion starts an encoded news.Rhythm; a blob of another version
// or length is read as no rhythm (the feed learns again).
const rhythmVersion = 1

// rhythmSize is the length of an encoded rhythm: the version, four times
// in Unix milliseconds, and a float32 for each hour of the week.
const rhythmSize = 1 + 4*8 + news.HoursPerWeek*4

// encodeRhythm packs a rhythm into a fixed-size blob (empty for none).
func encodeRhythm(r news.Rhythm) []byte {
	if r == (news.Rhythm{}) {
		return []byte{}
	}
	b := make([]byte, 1, rhythmSize)
	b[0] = rhythmVersion
	for _, t := range []time.Time{r.DecayedAt, r.Since, r.Newest, r.LastPublished} {
		b = binary.LittleEndian.AppendUint64(b, uint64(millis(t)))
	}
	for _, w := range r.Weights {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(w))
	}
	return b
}

// decodeRhythm reads what encodeRhythm wrote; anything else is no rhythm.
func decodeRhythm(b []byte) news.Rhythm {
	var r news.Rhythm
	if len(b) != rhythmSize || b[0] != rhythmVersion {
		return r
	}
	times := []*time.Time{&r.DecayedAt, &r.Since, &r.Newest, &r.LastPublished}
	for i, t := range times {
		*t = fromMillis(int64(binary.LittleEndian.Uint64(b[1+8*i:])))
	}
	for i := range r.Weights {
		w := math.Float32frombits(binary.LittleEndian.Uint32(b[1+4*8+4*i:]))
		if math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) || w < 0 {
			return news.Rhythm{}
		}
		r.Weights[i] = w
	}
	return r
}
