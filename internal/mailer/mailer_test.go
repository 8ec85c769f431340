package mailer_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"transito/internal/mailer"
	"transito/internal/smtptest"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want mailer.Config
		err  string
	}{
		{in: "smtp://mail.example.org:587", want: mailer.Config{Host: "mail.example.org", Port: 587}},
		{in: "smtp://relay", want: mailer.Config{Host: "relay", Port: 25}},
		{in: "smtps://relay", want: mailer.Config{Host: "relay", Port: 465, ImplicitTLS: true}},
		{in: "smtp://avisos%40x.gob.ar:p%3Ass%2Fw@relay:2525/", want: mailer.Config{Host: "relay", Port: 2525, Username: "avisos@x.gob.ar", Password: "p:ss/w"}},
		{in: "smtps://user:@[::1]:465", want: mailer.Config{Host: "::1", Port: 465, Username: "user", ImplicitTLS: true}},
		{in: " smtp://127.0.0.1:1025 ", want: mailer.Config{Host: "127.0.0.1", Port: 1025}},
		{in: "http://relay:25", err: `scheme "http"`},
		{in: "relay:25", err: `scheme "relay"`},
		{in: "smtp://:25", err: "host missing"},
		{in: "smtp://relay:0", err: "port"},
		{in: "smtp://relay:70000", err: "port"},
		{in: "smtp://relay:25/inbox", err: "without path"},
		{in: "smtp://relay:25?tls=off", err: "without path or query"},
		{in: "smtp://:secret@relay:25", err: "empty user name"},
		{in: "smtp://us er:secret@relay:25", err: "not a URL"},
	}
	for _, tt := range tests {
		got, err := mailer.ParseURL(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ParseURL(%q): %v", tt.in, err)
		case tt.err == "" && got != tt.want:
			t.Errorf("ParseURL(%q) = %+v, want %+v", tt.in, got, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseURL(%q) = %v, want error with %q", tt.in, err, tt.err)
		case err != nil && strings.Contains(err.Error(), "secret"):
			t.Errorf("ParseURL(%q): the error shows the password: %v", tt.in, err)
		}
	}
	c, _ := mailer.ParseURL("smtps://avisos:secret@relay:465")
	if s := c.String(); s != "smtps://avisos:xxxxx@relay:465" {
		t.Errorf("String() = %q", s)
	}
}

func newMailer(t *testing.T, s *smtptest.Server, trust bool) *mailer.Mailer {
	t.Helper()
	cfg, err := mailer.ParseURL(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 10 * time.Second
	if trust {
		cfg.TLS = s.ClientTLS()
	}
	m, err := mailer.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func notice(id string) mailer.Message {
	return mailer.Message{
		MessageID: "<" + id + "@transito.test>",
		From:      "Dirección de Tránsito <avisos@transito.test>",
		To:        "jose.pena@example.org",
		Subject:   "Multa emitida: acta N.º 42 — ¿ya la vio?",
		Text:      "Señor José Peña:\r\nse emitió el acta N.º 42 por «semáforo en rojo».\r\nConsúltela en https://transito.test/consulta\r\n",
		HTML:      "<p>Señor José Peña:</p><p>se emitió el acta <b>N.º 42</b> por «semáforo en rojo».</p>",
	}
}

func crlf(s string) string { return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n") }

// A message goes out as the server sees it: the envelope, the Message-ID,
// the UTF-8 subject and both parts in Spanish.
func TestSend(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{})
	m := newMailer(t, s, false)
	msg := notice("a1")
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got := s.Wait(t, 1, 5*time.Second)[0]
	if got.From != "avisos@transito.test" || len(got.To) != 1 || got.To[0] != "jose.pena@example.org" {
		t.Errorf("envelope %s → %v", got.From, got.To)
	}
	if got.MessageID != "<a1@transito.test>" {
		t.Errorf("Message-ID = %q", got.MessageID)
	}
	if got.Subject != msg.Subject {
		t.Errorf("Subject = %q, want %q", got.Subject, msg.Subject)
	}
	if !strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("Content-Type = %q", got.Header.Get("Content-Type"))
	}
	if crlf(got.Text) != crlf(msg.Text) || crlf(got.HTML) != crlf(msg.HTML) {
		t.Errorf("parts:\ntext %q\nhtml %q", got.Text, got.HTML)
	}
	if got.Header.Get("Auto-Submitted") != "auto-generated" || got.Header.Get("Date") == "" {
		t.Errorf("headers: %v", got.Header)
	}
	if from := got.Header.Get("From"); !strings.Contains(from, "avisos@transito.test") {
		t.Errorf("From = %q", from)
	}

	// Without HTML, a plain text message.
	msg = notice("a2")
	msg.HTML = ""
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got = s.Wait(t, 2, 5*time.Second)[1]
	if !strings.HasPrefix(got.Header.Get("Content-Type"), "text/plain") || crlf(got.Text) != crlf(msg.Text) {
		t.Errorf("text only: %q %q", got.Header.Get("Content-Type"), got.Text)
	}
}

func TestStartTLSAndAuth(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{StartTLS: true, Username: "avisos", Password: "s3cret ñ"})
	if err := newMailer(t, s, true).Send(context.Background(), notice("b1")); err != nil {
		t.Fatal(err)
	}
	got := s.Wait(t, 1, 5*time.Second)[0]
	if !got.TLS || got.AuthUser != "avisos" || got.MessageID != "<b1@transito.test>" {
		t.Errorf("TLS %v, user %q, id %q", got.TLS, got.AuthUser, got.MessageID)
	}

	// A wrong password is refused by the server; it is a connection problem,
	// not the message's, so it is worth retrying once the setting is fixed.
	cfg, _ := mailer.ParseURL(strings.Replace(s.URL(), "s3cret", "wrong", 1))
	cfg.TLS = s.ClientTLS()
	m, err := mailer.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = m.Send(context.Background(), notice("b2"))
	var me *mailer.Error
	if !errors.As(err, &me) || me.Code != 535 || me.Permanent {
		t.Errorf("wrong password: %#v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error shows the password: %v", err)
	}

	// An untrusted certificate stops the connection: no fallback to plain text.
	err = newMailer(t, s, false).Send(context.Background(), notice("b3"))
	if err == nil || mailer.Permanent(err) || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: %v", err)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages arrived, want 1", n)
	}
}

// With credentials and a server that offers no TLS, the password is never
// sent in the clear.
func TestNoPasswordInTheClear(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{Username: "avisos", Password: "s3cret"})
	err := newMailer(t, s, false).Send(context.Background(), notice("c1"))
	if err == nil || mailer.Permanent(err) {
		t.Fatalf("sent with PLAIN over plain text, or gave up for good: %v", err)
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("%d messages arrived", n)
	}
}

func TestImplicitTLS(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{ImplicitTLS: true, Username: "avisos", Password: "s3cret"})
	if !strings.HasPrefix(s.URL(), "smtps://") {
		t.Fatalf("URL %s", s.URL())
	}
	cfg, err := mailer.ParseURL(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLS, cfg.HELO = s.ClientTLS(), "transito.example.gob.ar"
	m, err := mailer.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), notice("d1")); err != nil {
		t.Fatal(err)
	}
	if got := s.Wait(t, 1, 5*time.Second)[0]; !got.TLS || got.AuthUser != "avisos" || got.Helo != "transito.example.gob.ar" {
		t.Errorf("TLS %v, user %q, HELO %q", got.TLS, got.AuthUser, got.Helo)
	}
}

// A 4xx is temporary: the retry, with the same Message-ID, is delivered
// once. A 5xx is permanent.
func TestFailures(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{})
	m := newMailer(t, s, false)
	msg := notice("e1")

	s.FailNext(1, 451, "4.3.0 intente más tarde")
	err := m.Send(context.Background(), msg)
	var me *mailer.Error
	if !errors.As(err, &me) || me.Code != 451 || me.Permanent || mailer.Permanent(err) {
		t.Fatalf("451: %#v", err)
	}
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("retry: %v", err)
	}
	got := s.Wait(t, 1, 5*time.Second)
	if len(got) != 1 || got[0].MessageID != "<e1@transito.test>" {
		t.Errorf("after the retry: %d messages, first id %q", len(got), got[0].MessageID)
	}

	s.FailNext(1, 550, "5.1.1 buzón inexistente")
	err = m.Send(context.Background(), notice("e2"))
	if !errors.As(err, &me) || me.Code != 550 || !mailer.Permanent(err) {
		t.Errorf("550: %#v", err)
	}

	// Nobody listening: temporary, no reply code.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().(*net.TCPAddr)
	l.Close()
	down, err := mailer.New(mailer.Config{Host: "127.0.0.1", Port: addr.Port, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = down.Send(context.Background(), msg)
	if !errors.As(err, &me) || me.Code != 0 || me.Permanent {
		t.Errorf("no server: %#v", err)
	}
}

// A batch shares one connection; a refused or malformed message fails
// alone.
func TestSendBatch(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{})
	m := newMailer(t, s, false)
	msgs := []mailer.Message{notice("f1"), notice("f2"), notice("f3"), notice("f4"), notice("f5")}
	msgs[2].To = "no es una dirección"
	msgs[3].MessageID = "sin-arroba"
	s.FailNext(1, 452, "4.2.2 buzón lleno")
	errs := m.SendBatch(context.Background(), msgs)
	if len(errs) != 5 {
		t.Fatalf("%d results", len(errs))
	}
	if errs[0] == nil || mailer.Permanent(errs[0]) {
		t.Errorf("f1 (452): %v", errs[0])
	}
	for _, i := range []int{2, 3} {
		if !mailer.Permanent(errs[i]) {
			t.Errorf("%s (malformed): %v", msgs[i].MessageID, errs[i])
		}
	}
	if errs[1] != nil || errs[4] != nil {
		t.Errorf("f2, f5: %v, %v", errs[1], errs[4])
	}
	got := s.Wait(t, 2, 5*time.Second)
	if len(got) != 2 || got[0].MessageID != "<f2@transito.test>" || got[1].MessageID != "<f5@transito.test>" {
		t.Errorf("delivered %d: %v", len(got), got)
	}
}

func TestNewMessageID(t *testing.T) {
	a, b := mailer.NewMessageID("transito.test"), mailer.NewMessageID("transito.test")
	if a == b || !strings.HasPrefix(a, "<") || !strings.HasSuffix(a, "@transito.test>") || len(a) < 30 {
		t.Errorf("ids %q %q", a, b)
	}
	s := smtptest.Start(t, smtptest.Options{})
	msg := notice("x")
	msg.MessageID = a
	if err := newMailer(t, s, false).Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	if got := s.Wait(t, 1, 5*time.Second)[0].MessageID; got != a {
		t.Errorf("Message-ID %q, want %q", got, a)
	}
}

// BenchmarkTransport sends b.N messages to the loopback server, over one
// connection per batch. Run `-benchtime 10000x` for 10,000 messages.
func BenchmarkTransport(b *testing.B) {
	for _, batch := range []int{100, 1} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s := smtptest.Start(b, smtptest.Options{})
			cfg, _ := mailer.ParseURL(s.URL())
			m, err := mailer.New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			msgs := make([]mailer.Message, b.N)
			for i := range msgs {
				msgs[i] = notice(fmt.Sprintf("bench-%d-%d", batch, i))
			}
			b.ResetTimer()
			for i := 0; i < len(msgs); i += batch {
				for _, err := range m.SendBatch(context.Background(), msgs[i:min(i+batch, len(msgs))]) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			got := s.Messages()
			seen := make(map[string]bool, len(got))
			for _, g := range got {
				if seen[g.MessageID] {
					b.Fatalf("%s delivered twice", g.MessageID)
				}
				seen[g.MessageID] = true
			}
			if len(got) != b.N {
				b.Fatalf("%d delivered, want %d", len(got), b.N)
			}
		})
	}
}
