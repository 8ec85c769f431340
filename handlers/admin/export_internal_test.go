package admin

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"
)

// TestDeadlineWriterOutlivesTheWriteTimeout: an export still being written
// when the server's write deadline has passed (a workbook is only written
// out once all its rows are in) pushes the deadline on instead of failing.
func TestDeadlineWriterOutlivesTheWriteTimeout(t *testing.T) {
	server, client := net.Pipe()
	defer server.Close()
	defer client.Close()
	go io.Copy(io.Discard, client)
	if err := server.SetWriteDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Write([]byte("x")); err == nil {
		t.Fatal("the expired deadline did not fail a plain write")
	}
	bw := bufio.NewWriter(server)
	w := &deadlineWriter{w: bw, conn: server}
	if _, err := w.Write([]byte("PK\x03\x04 workbook")); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatalf("write after the deadline was pushed on: %v", err)
	}
}
