package admin

import (
	"time"

	"github.com/gorilla/securecookie"
)

// StaleSessionForTest encodes, with the keys derived from key, the session of
// administrator adminID last seen at the Unix time seen; it also returns the
// idle timeout of a session manager made with DefaultSessionIdle.
func StaleSessionForTest(key []byte, adminID, seen int64) (cookie string, idle time.Duration, err error) {
	m := newSessionManager(key, DefaultSessionIdle, DefaultSessionMax, false)
	s := fresh()
	s.AdminID, s.Seen = adminID, seen
	cookie, err = securecookie.EncodeMulti(SessionCookie, s, m.codecs...)
	return cookie, m.idle, err
}
