package pdf

import (
	"bytes"
	"compress/zlib"
	"image"
	"image/color"
	"image/draw"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// A small reader of the PDFs this package writes, so that the tests look
// at the file a viewer gets rather than at the writer's calls: it inflates
// the streams, reads the text shown (UTF-16BE strings under an Identity-H
// font) and the filled rectangles (the QR code's modules).

var lengthRE = regexp.MustCompile(`/Length (\d+)`)

// pdfStreams returns every stream of the file, inflated when it is
// FlateDecode.
func pdfStreams(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for rest, off := b, 0; ; {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			return out
		}
		if i >= 3 && string(rest[i-3:i]) == "end" {
			rest, off = rest[i+7:], off+i+7
			continue
		}
		dictStart := bytes.LastIndex(b[:off+i], []byte(" obj"))
		dict := b[dictStart : off+i]
		m := lengthRE.FindSubmatch(dict)
		if m == nil {
			t.Fatalf("stream at %d without a /Length", off+i)
		}
		n, _ := strconv.Atoi(string(m[1]))
		data := rest[i+7 : i+7+n]
		if bytes.Contains(dict, []byte("/FlateDecode")) {
			zr, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("stream at %d: %v", off+i, err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				t.Fatalf("stream at %d: %v", off+i, err)
			}
		}
		out = append(out, data)
		rest, off = rest[i+7+n:], off+i+7+n
	}
}

// contentStreams are the streams that draw a page: those with text objects.
func contentStreams(t *testing.T, b []byte) [][]byte {
	var out [][]byte
	for _, s := range pdfStreams(t, b) {
		if bytes.Contains(s, []byte("BT ")) || bytes.Contains(s, []byte(" re f")) {
			out = append(out, s)
		}
	}
	return out
}

// pdfText returns the text the pages show: the strings of each text object
// (BT … ET) decoded from UTF-16BE, one object per line.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	var out strings.Builder
	for _, s := range contentStreams(t, b) {
		for _, obj := range bytes.Split(s, []byte("BT ")) {
			end := bytes.Index(obj, []byte("ET"))
			if end < 0 {
				continue
			}
			for _, lit := range literals(obj[:end]) {
				out.WriteString(fromUTF16BE(t, lit))
			}
			out.WriteByte('\n')
		}
	}
	return out.String()
}

// literals returns the PDF literal strings "(…)" of a content fragment,
// unescaped.
func literals(s []byte) [][]byte {
	var out [][]byte
	for i := 0; i < len(s); i++ {
		if s[i] != '(' {
			continue
		}
		var lit []byte
		depth := 1
		for i++; i < len(s) && depth > 0; i++ {
			c := s[i]
			switch {
			case c == '\\' && i+1 < len(s):
				i++
				switch e := s[i]; e {
				case 'n':
					lit = append(lit, '\n')
				case 'r':
					lit = append(lit, '\r')
				case 't':
					lit = append(lit, '\t')
				case 'b':
					lit = append(lit, '\b')
				case 'f':
					lit = append(lit, '\f')
				default:
					if e >= '0' && e <= '7' {
						v, j := 0, i
						for ; j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7'; j++ {
							v = v*8 + int(s[j]-'0')
						}
						lit = append(lit, byte(v))
						i = j - 1
					} else {
						lit = append(lit, e)
					}
				}
			case c == '(':
				depth++
				lit = append(lit, c)
			case c == ')':
				depth--
				if depth > 0 {
					lit = append(lit, c)
				}
			default:
				lit = append(lit, c)
			}
		}
		i--
		out = append(out, lit)
	}
	return out
}

func fromUTF16BE(t *testing.T, b []byte) string {
	t.Helper()
	if len(b)%2 != 0 {
		t.Fatalf("text string of odd length %d: %q", len(b), b)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

var rectRE = regexp.MustCompile(`(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re f\b`)

// decodeDrawnQR paints the filled rectangles of the first page onto a
// white image and decodes the QR code they form.
func decodeDrawnQR(t *testing.T, b []byte) string {
	t.Helper()
	const scale = 4.0 // pixels per point
	var rects [][4]float64
	minX, minY, maxX, maxY := 1e9, 1e9, -1e9, -1e9
	page := contentStreams(t, b)[0]
	for _, m := range rectRE.FindAllSubmatch(page, -1) {
		var r [4]float64
		for i := range r {
			r[i], _ = strconv.ParseFloat(string(m[i+1]), 64)
		}
		x0, x1 := r[0], r[0]+r[2]
		y0, y1 := min(r[1], r[1]+r[3]), max(r[1], r[1]+r[3])
		rects = append(rects, [4]float64{x0, y0, x1, y1})
		minX, minY, maxX, maxY = min(minX, x0), min(minY, y0), max(maxX, x1), max(maxY, y1)
	}
	if len(rects) == 0 {
		t.Fatal("no filled rectangles on the first page")
	}
	const quiet = 40
	w := int((maxX-minX)*scale) + 2*quiet
	h := int((maxY-minY)*scale) + 2*quiet
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	for _, r := range rects {
		// PDF y grows upwards; image y downwards.
		px := image.Rect(quiet+int((r[0]-minX)*scale+0.5), quiet+int((maxY-r[3])*scale+0.5),
			quiet+int((r[2]-minX)*scale+0.5), quiet+int((maxY-r[1])*scale+0.5))
		draw.Draw(img, px, image.NewUniform(color.Black), image.Point{}, draw.Src)
	}
	return decodeQR(t, img)
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	return res.GetText()
}
