package thumbnail_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"testing"

	"transito/internal/testenv"
	"transito/internal/thumbnail"
)

func TestMake(t *testing.T) {
	cases := []struct {
		name         string
		src          []byte
		wantW, wantH int
	}{
		{"landscape JPEG", testenv.Photo(t, "jpeg", 2400, 1800, 1), 320, 240},
		{"portrait PNG", testenv.Photo(t, "png", 300, 900, 2), 106, 320},
		{"small, never enlarged", testenv.Photo(t, "jpeg", 100, 50, 3), 100, 50},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := thumbnail.Make(c.src, 320)
			if err != nil {
				t.Fatal(err)
			}
			img, format, err := image.Decode(bytes.NewReader(b))
			if err != nil || format != "jpeg" || img.Bounds().Dx() != c.wantW || img.Bounds().Dy() != c.wantH {
				t.Fatalf("%s %v, err %v; want jpeg %d×%d", format, img.Bounds(), err, c.wantW, c.wantH)
			}
		})
	}
}

// TestMakeTransparentOnWhite: a transparent PNG's thumbnail is white where
// the photo is transparent, as the page shows it, not black.
func TestMakeTransparentOnWhite(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 40, 40))
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	var src bytes.Buffer
	if err := png.Encode(&src, img); err != nil {
		t.Fatal(err)
	}
	b, err := thumbnail.Make(src.Bytes(), 20)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r, g, bl, _ := out.At(15, 15).RGBA(); r>>8 < 240 || g>>8 < 240 || bl>>8 < 240 {
		t.Errorf("transparent area is %d,%d,%d, want white", r>>8, g>>8, bl>>8)
	}
}

// TestMakeRefuses: not an image, a truncated one, or one whose header
// claims more pixels than MaxPixels (a decompression bomb) is ErrUnreadable
// without decoding it.
func TestMakeRefuses(t *testing.T) {
	jpg := testenv.Photo(t, "jpeg", 64, 64, 4)
	for name, b := range map[string][]byte{
		"text":      []byte("no soy una imagen"),
		"truncated": jpg[:len(jpg)/2],
		"bomb":      pngHeader(100_000, 100_000),
	} {
		if _, err := thumbnail.Make(b, 320); !errors.Is(err, thumbnail.ErrUnreadable) {
			t.Errorf("%s: %v, want ErrUnreadable", name, err)
		}
	}
}

// pngHeader is the signature and IHDR chunk of a w × h RGBA PNG, no pixels.
func pngHeader(w, h uint32) []byte {
	var ihdr bytes.Buffer
	ihdr.WriteString("IHDR")
	binary.Write(&ihdr, binary.BigEndian, w)
	binary.Write(&ihdr, binary.BigEndian, h)
	ihdr.Write([]byte{8, 6, 0, 0, 0})
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(ihdr.Len()-4))
	b.Write(ihdr.Bytes())
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr.Bytes()))
	return b.Bytes()
}

// TestCache: a thumbnail is made once, then served from memory; the cache
// holds at most Entries, dropping the least recently used.
func TestCache(t *testing.T) {
	c := thumbnail.NewCache(32)
	src := testenv.Photo(t, "jpeg", 64, 64, 5)
	loads := 0
	load := func() ([]byte, error) { loads++; return src, nil }
	first, err := c.Get(1, load)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Get(1, load)
	if err != nil || !bytes.Equal(first, again) || loads != 1 {
		t.Fatalf("second Get: loads %d, same %v, err %v", loads, bytes.Equal(first, again), err)
	}
	for id := int64(2); id <= thumbnail.Entries+10; id++ {
		if _, err := c.Get(id, load); err != nil {
			t.Fatal(err)
		}
	}
	if c.Len() != thumbnail.Entries {
		t.Errorf("cache holds %d, want at most %d", c.Len(), thumbnail.Entries)
	}
	loads = 0
	if _, err := c.Get(1, load); err != nil || loads != 1 {
		t.Errorf("the oldest entry was not dropped: loads %d, err %v", loads, err)
	}
	if _, err := c.Get(9999, func() ([]byte, error) { return []byte("x"), nil }); !errors.Is(err, thumbnail.ErrUnreadable) {
		t.Errorf("unreadable: %v", err)
	}
}
