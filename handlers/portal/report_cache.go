package portal

import (
	"sync"

	"transito/models"
	"transito/models/fines"
	"transito/views"
)

// reportPart is the part of a report page that every visit seeing the
// person with the same proof shares: the summary, the libre deuda links and
// the fines' cards. It holds nothing of the visit (CSRF token, request id,
// what was typed), which the page draws around it on each request.
type reportPart struct {
	owed, savings, savingsUntil string
	plates                      []views.PlateLink
	cards                       views.Cards
}

// size is about the memory a part holds.
func (p *reportPart) size() int {
	n := len(p.cards.HTML) + len(p.owed) + len(p.savings) + len(p.savingsUntil)
	for _, pl := range p.plates {
		n += len(pl.Plate) + len(pl.Href)
	}
	return n
}

// partCacheBytes bounds the memory the report cache holds.
const partCacheBytes = 32 << 20

// partKey is whose part it is: the person and whether the visit proved
// them (the proven part offers documents, photos and descargos). The access
// mode, the zone and the payment settings are the Handler's, which owns the
// cache.
type partKey struct {
	person int64
	proven bool
}

// partStamp is what a built part depends on besides its key.
type partStamp struct {
	data   int64
	tariff string
	day    fines.Date
}

// personCacheBytes bounds the memory of the persons found by e-mail.
const personCacheBytes = 4 << 20

// proofKey is how a person was found: by the e-mail alone, or (proof) by
// the e-mail with a plate or a document, normalised.
type proofKey struct {
	email, plate, document string
	proof                  bool
}

// personSize is about the memory a cached person holds.
func personSize(p *models.Person) int {
	return 256 + len(p.Name) + len(p.Email) + len(p.DocumentText()) + len(p.NameKey) + len(p.SearchKey)
}

type stamped[S comparable, V any] struct {
	stamp S
	value V
}

// stampedCache keeps values until what they depend on (the stamp) changes.
// It is bounded in bytes (size says a value's): when full it starts over.
// Its values are shared and never modified.
type stampedCache[K, S comparable, V any] struct {
	limit int
	size  func(V) int

	mu    sync.RWMutex
	m     map[K]stamped[S, V]
	bytes int
}

func newStampedCache[K, S comparable, V any](limit int, size func(V) int) *stampedCache[K, S, V] {
	return &stampedCache[K, S, V]{limit: limit, size: size}
}

func (c *stampedCache[K, S, V]) get(k K, stamp S) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[k]
	return e.value, ok && e.stamp == stamp
}

func (c *stampedCache[K, S, V]) put(k K, stamp S, v V) {
	size := c.size(v)
	if size > c.limit/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok {
		c.bytes -= c.size(old.value)
	}
	if c.m == nil || c.bytes+size > c.limit {
		c.m, c.bytes = make(map[K]stamped[S, V]), 0
	}
	c.m[k] = stamped[S, V]{stamp: stamp, value: v}
	c.bytes += size
}
