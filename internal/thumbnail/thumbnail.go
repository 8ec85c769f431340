// Package thumbnail makes the small copies of evidence photos that the
// panel shows: decoded, scaled and encoded again as JPEG (which also drops
// every metadata block of the original), and kept in a bounded cache.
package thumbnail

import (
	"bytes"
	"container/list"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // the other type a photo may have
	"sync"

	"golang.org/x/image/draw"
)

// MaxPixels bounds the images Make decodes (a 5 MiB PNG could otherwise
// claim gigabytes once decoded).
const MaxPixels = 50_000_000

// ErrUnreadable means the bytes are not a JPEG or PNG Make can decode.
var ErrUnreadable = errors.New("thumbnail: unreadable image")

// Make returns b scaled to fit in size × size pixels (never enlarged) as a
// JPEG.
func Make(b []byte, size int) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrUnreadable, cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	w, h := fit(cfg.Width, cfg.Height, size)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	// A transparent PNG lies on white, as on the page.
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.BiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, fmt.Errorf("thumbnail: encode: %w", err)
	}
	return out.Bytes(), nil
}

// fit scales w × h down to fit in size × size, keeping the proportions.
func fit(w, h, size int) (int, int) {
	if w <= size && h <= size {
		return w, h
	}
	if w >= h {
		return size, max(1, h*size/w)
	}
	return max(1, w*size/h), size
}

// Cache keeps the thumbnails of the most recently shown photos in memory,
// at most Entries of them (least recently used out first); attachments
// never change, so an id is the key. Concurrent requests for one photo make
// it once.
type Cache struct {
	size  int
	mu    sync.Mutex
	order *list.List // of *entry, most recent first
	byID  map[int64]*list.Element
	calls map[int64]*call
}

type entry struct {
	id int64
	b  []byte
}

type call struct {
	done chan struct{}
	b    []byte
	err  error
}

// Entries bounds a Cache: 512 thumbnails of ~20 KiB are ~10 MiB.
const Entries = 512

// NewCache makes a cache of thumbnails of size pixels.
func NewCache(size int) *Cache {
	return &Cache{size: size, order: list.New(), byID: map[int64]*list.Element{}, calls: map[int64]*call{}}
}

// Get returns the thumbnail of attachment id, making it from the bytes load
// returns when it is not cached.
func (c *Cache) Get(id int64, load func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	if el, ok := c.byID[id]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		return el.Value.(*entry).b, nil
	}
	if cl, ok := c.calls[id]; ok {
		c.mu.Unlock()
		<-cl.done
		return cl.b, cl.err
	}
	cl := &call{done: make(chan struct{})}
	c.calls[id] = cl
	c.mu.Unlock()
	src, err := load()
	if err == nil {
		cl.b, err = Make(src, c.size)
	}
	cl.err = err
	c.mu.Lock()
	delete(c.calls, id)
	if err == nil {
		c.byID[id] = c.order.PushFront(&entry{id, cl.b})
		if c.order.Len() > Entries {
			last := c.order.Back()
			c.order.Remove(last)
			delete(c.byID, last.Value.(*entry).id)
		}
	}
	c.mu.Unlock()
	close(cl.done)
	return cl.b, cl.err
}

// Len is how many thumbnails the cache holds.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
