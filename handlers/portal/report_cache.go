package portal

import (
	"sync"

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

type partEntry struct {
	stamp partStamp
	part  *reportPart
}

// partCache keeps built parts until what they depend on changes. It is
// bounded in bytes: when full it starts over. Its parts are never modified.
type partCache struct {
	mu    sync.RWMutex
	m     map[partKey]partEntry
	bytes int
}

func (pc *partCache) get(k partKey, stamp partStamp) (*reportPart, bool) {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	e, ok := pc.m[k]
	return e.part, ok && e.stamp == stamp
}

func (pc *partCache) put(k partKey, stamp partStamp, p *reportPart) {
	size := p.size()
	if size > partCacheBytes/4 {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if old, ok := pc.m[k]; ok {
		pc.bytes -= old.part.size()
	}
	if pc.m == nil || pc.bytes+size > partCacheBytes {
		pc.m, pc.bytes = make(map[partKey]partEntry), 0
	}
	pc.m[k] = partEntry{stamp: stamp, part: p}
	pc.bytes += size
}
