package rules

import (
	"strings"
	"unicode"
)

// Limits on what a request may carry, in bytes: the largest body the server
// reads at all (the panel's import upload) and the largest body of an API
// write.
const (
	MaxUploadSize = 8 << 20
	MaxAPIBody    = 64 << 10
	// MaxBody is the largest body the server reads at all: a descargo
	// with its MaxDisputeFiles documents of MaxFileSize each, and the form.
	MaxBody = MaxDisputeFiles*MaxFileSize + 1<<20
)

// LookupEmail normalises the e-mail address of a report look-up and checks
// it; the error is FieldErrors on "email".
func LookupEmail(s string) (string, error) {
	email := NormalizeEmail(s)
	switch {
	case email == "":
		return "", FieldErrors{FieldEmail: "es obligatorio: indique el correo electrónico del titular"}
	case !ValidEmail(email):
		return "", FieldErrors{FieldEmail: "no es una dirección de correo válida"}
	}
	return email, nil
}

// MaxIdempotencyKeyLen bounds the Idempotency-Key header, in bytes.
const MaxIdempotencyKeyLen = 255

// CheckIdempotencyKey returns a Spanish message when an Idempotency-Key
// header is too long or not plain visible ASCII.
func CheckIdempotencyKey(key string) string {
	if len(key) > MaxIdempotencyKeyLen {
		return TooLong(MaxIdempotencyKeyLen)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return "solo admite caracteres ASCII visibles"
		}
	}
	return ""
}

// SearchText cleans what a person typed into a search box or filter: invalid
// UTF-8 and control characters (a NUL breaks the SQL text) are dropped and
// the ends trimmed. Search text is never refused, only cleaned.
func SearchText(q string) string {
	q = strings.ToValidUTF8(q, "")
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, q)
	return strings.TrimSpace(q)
}
