package views

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/a-h/templ"
	qrcode "github.com/skip2/go-qrcode"

	"transito/models"
)

// photoCaption says what a photo is: its type, size and who sent it.
func photoCaption(a models.Attachment) string {
	kind := strings.ToUpper(strings.TrimPrefix(a.ContentType, "image/"))
	size := fmt.Sprintf("%d KB", (a.Size+512)/1000)
	if a.Size >= 1_000_000 {
		size = fmt.Sprintf("%.1f MB", float64(a.Size)/1_000_000)
	}
	return kind + " · " + size + " · " + a.Source
}

// TokenQR is the QR code of an officer's token as a data: URL of a PNG,
// for the officer app's scanner (the page's CSP allows data: images); ""
// when it cannot be made.
func TokenQR(token string) templ.SafeURL {
	png, err := qrcode.Encode(token, qrcode.Medium, 320)
	if err != nil {
		return ""
	}
	return templ.SafeURL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
}
