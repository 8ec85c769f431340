package api

import (
	"testing"
	"unsafe"
)

// TestReportCacheKeepsItsOwnKey stores a report under an e-mail whose bytes
// are then overwritten, as Fiber reuses a request's buffer for the next
// request: the entry must stay under the address it was stored for, and a
// same-length address must not find it.
func TestReportCacheKeepsItsOwnKey(t *testing.T) {
	var rc reportCache
	buf := []byte("carla@example.com")
	rc.put(unsafe.String(&buf[0], len(buf)), reportEntry{version: reportStamp{data: 1}, body: []byte("[]")})
	copy(buf, "nadie@example.com")
	if _, ok := rc.get("carla@example.com", reportStamp{data: 1}); !ok {
		t.Error("the report stored for carla@example.com is lost once the request buffer is reused")
	}
	if _, ok := rc.get("nadie@example.com", reportStamp{data: 1}); ok {
		t.Error("nadie@example.com finds carla@example.com's report")
	}
}
