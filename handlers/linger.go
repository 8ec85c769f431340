package handlers

import (
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Serve serves the application on ln until it is shut down. A connection
// whose request the HTTP parser refused (headers past MaxHeaderBytes, a
// body past bodyLimit, bad framing) is closed gracefully: the answer is
// sent, then what the client is still sending is read and dropped for a
// moment. Closing with unread data would reset the connection, and the
// client would see "connection reset" instead of our 431 or 413.
func (s *Server) Serve(ln net.Listener) error {
	return s.App.Listener(lingerListener{ln})
}

// Bounds of the graceful close of a refused connection.
const (
	lingerTime  = 2 * time.Second
	lingerBytes = 2 * bodyLimit
)

type lingerListener struct{ net.Listener }

func (l lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &lingerConn{Conn: c}, nil
}

// lingerConn is a connection that refuseUnreadable can mark for a graceful
// close.
type lingerConn struct {
	net.Conn
	linger atomic.Bool
	closed atomic.Bool
}

// lingerOnClose marks the connection of fctx, if it is a lingerConn.
func lingerOnClose(fctx *fasthttp.RequestCtx) {
	if c, ok := fctx.Conn().(*lingerConn); ok {
		c.linger.Store(true)
	}
}

func (c *lingerConn) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	tc, ok := c.Conn.(*net.TCPConn)
	if !c.linger.Load() || !ok {
		return c.Conn.Close()
	}
	if err := tc.CloseWrite(); err != nil {
		return tc.Close()
	}
	go func() {
		_ = tc.SetReadDeadline(time.Now().Add(lingerTime))
		_, _ = io.Copy(io.Discard, io.LimitReader(tc, lingerBytes))
		tc.Close()
	}()
	return nil
}
