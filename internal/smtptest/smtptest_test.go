package smtptest

import (
	"crypto/tls"
	"net/smtp"
	"strings"
	"testing"
	"time"
)

// The server, driven by the standard library's client: it decodes base64
// and quoted-printable parts and RFC 2047 subjects, requires AUTH when told
// to, and fails the deliveries it is told to fail.
func TestServer(t *testing.T) {
	s := Start(t, Options{StartTLS: true, Username: "u", Password: "p"})
	raw := "From: a@x.test\r\nTo: b@y.test\r\nMessage-ID: <m1@x.test>\r\n" +
		"Subject: =?UTF-8?q?Multa_emitida_=C2=BFpag=C3=B3=3F?=\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=B\r\n\r\n" +
		"--B\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"U2XDsW9yIFBlw7Fh\r\n" +
		"--B\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"<p>Se=C3=B1or</p>\r\n--B--\r\n"

	dial := func() *smtp.Client {
		c, err := smtp.Dial(s.Addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if err := c.StartTLS(&tls.Config{ServerName: "127.0.0.1", RootCAs: s.ClientTLS().RootCAs}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := dial()
	if err := c.Mail("a@x.test"); err == nil || !strings.HasPrefix(err.Error(), "502") {
		t.Errorf("MAIL before AUTH: %v", err)
	}
	if err := c.Auth(smtp.PlainAuth("", "u", "bad", "127.0.0.1")); err == nil || !strings.HasPrefix(err.Error(), "535") {
		t.Errorf("bad password: %v", err)
	}
	c = dial()
	if err := c.Auth(smtp.PlainAuth("", "u", "p", "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	send := func() error {
		if err := c.Mail("a@x.test"); err != nil {
			return err
		}
		if err := c.Rcpt("b@y.test"); err != nil {
			return err
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(raw)); err != nil {
			return err
		}
		return w.Close()
	}
	s.FailNext(1, 421, "cerrando")
	if err := send(); err == nil || !strings.HasPrefix(err.Error(), "421") {
		t.Errorf("FailNext: %v", err)
	}
	if err := send(); err != nil {
		t.Fatal(err)
	}
	got := s.Wait(t, 1, 5*time.Second)
	m := got[0]
	if len(got) != 1 || m.From != "a@x.test" || m.To[0] != "b@y.test" || !m.TLS || m.AuthUser != "u" {
		t.Errorf("envelope: %d messages, %+v", len(got), m)
	}
	if m.Subject != "Multa emitida ¿pagó?" || m.MessageID != "<m1@x.test>" || m.Text != "Señor Peña" || strings.TrimSpace(m.HTML) != "<p>Señor</p>" {
		t.Errorf("parsed: subject %q id %q text %q html %q", m.Subject, m.MessageID, m.Text, m.HTML)
	}
	if string(m.Raw) != raw {
		t.Errorf("raw differs:\n%q", m.Raw)
	}
}
