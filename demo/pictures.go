package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"sync"
)

// The demo's pictures are drawn here at first request, not stored: small
// flat scenes of ours (a road, a domed mosque, aid boxes), 640×360 like a
// news photo's preview.
const pictureW, pictureH = 640, 360

var (
	picturesOnce sync.Once
	pictures     map[string][]byte
)

// servePicture serves the named demo picture as PNG.
func servePicture(w http.ResponseWriter, r *http.Request, name string) {
	picturesOnce.Do(func() {
		pictures = map[string][]byte{}
		for n, draw := range scenes {
			img := image.NewRGBA(image.Rect(0, 0, pictureW, pictureH))
			draw(img)
			var b bytes.Buffer
			if err := png.Encode(&b, img); err == nil {
				pictures[n] = b.Bytes()
			}
		}
	})
	data, ok := pictures[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(data) // a broken connection is the client's problem
}

// scenes draws each picture.
var scenes = map[string]func(*image.RGBA){
	"road": func(m *image.RGBA) {
		sky(m, color.RGBA{120, 180, 230, 255}, color.RGBA{225, 240, 250, 255}, 200)
		fill(m, 0, 200, pictureW, pictureH, color.RGBA{196, 170, 120, 255}) // the plain
		for y := 200; y < pictureH; y++ {                                   // the road, narrowing to the horizon
			half := 20 + (y-200)*2
			fill(m, pictureW/2-half, y, pictureW/2+half, y+1, color.RGBA{70, 70, 75, 255})
			if (y/12)%2 == 0 {
				fill(m, pictureW/2-1-(y-200)/40, y, pictureW/2+1+(y-200)/40, y+1, color.RGBA{250, 250, 250, 255})
			}
		}
	},
	"mosque": func(m *image.RGBA) {
		sky(m, color.RGBA{240, 170, 110, 255}, color.RGBA{250, 225, 180, 255}, 300)
		stone := color.RGBA{205, 185, 150, 255}
		fill(m, 0, 300, pictureW, pictureH, color.RGBA{150, 130, 100, 255})
		fill(m, 180, 190, 460, 300, stone)                          // the prayer hall
		disc(m, 320, 190, 80, color.RGBA{190, 165, 125, 255}, 190)  // the dome
		fill(m, 500, 70, 540, 300, stone)                           // the minaret
		fill(m, 492, 110, 548, 122, color.RGBA{170, 150, 115, 255}) // its balcony
		disc(m, 520, 70, 20, color.RGBA{190, 165, 125, 255}, 70)    // its cap
		for x := 200; x < 440; x += 40 {                            // arches
			fill(m, x+10, 240, x+30, 300, color.RGBA{120, 95, 70, 255})
		}
	},
	"aid": func(m *image.RGBA) {
		sky(m, color.RGBA{150, 190, 215, 255}, color.RGBA{230, 235, 240, 255}, 230)
		fill(m, 0, 230, pictureW, pictureH, color.RGBA{180, 165, 140, 255})
		box := color.RGBA{200, 150, 90, 255}
		for i, p := range [][2]int{{120, 250}, {200, 250}, {280, 250}, {160, 190}, {240, 190}, {400, 250}, {480, 250}} {
			fill(m, p[0], p[1], p[0]+76, p[1]+56, box)
			fill(m, p[0]+34, p[1], p[0]+42, p[1]+56, color.RGBA{90, 140, 200, 255}) // the tape
			if i == 3 {
				box = color.RGBA{190, 140, 85, 255}
			}
		}
	},
}

func fill(m *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	for y := max(y0, 0); y < min(y1, pictureH); y++ {
		for x := max(x0, 0); x < min(x1, pictureW); x++ {
			m.SetRGBA(x, y, c)
		}
	}
}

// sky fills the top of the picture with a vertical gradient from top to
// bottom colour, down to the horizon.
func sky(m *image.RGBA, top, bottom color.RGBA, horizon int) {
	for y := 0; y < horizon; y++ {
		t := float64(y) / float64(horizon)
		mix := func(a, b uint8) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t) }
		fill(m, 0, y, pictureW, y+1, color.RGBA{mix(top.R, bottom.R), mix(top.G, bottom.G), mix(top.B, bottom.B), 255})
	}
}

// disc draws the part of a disc above the line y = cut (a dome).
func disc(m *image.RGBA, cx, cy, r int, c color.RGBA, cut int) {
	for y := cy - r; y <= min(cy+r, cut); y++ {
		for x := cx - r; x <= cx+r; x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r && x >= 0 && x < pictureW && y >= 0 && y < pictureH {
				m.SetRGBA(x, y, c)
			}
		}
	}
}
