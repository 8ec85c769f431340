// Package pdf writes the documents the registry hands out: the acta of an
// infraction, the recibo of a payment and the certificado de libre deuda of
// a plate. Each carries the authority's name, its data, a verification code
// and a QR code of the document's /verificar link. The package needs no
// database: the caller passes plain values.
//
// Text is set in DejaVu Sans (a subset covering Latin-1, Latin Extended-A/B
// and €, embedded in the binary), so Spanish and most European names print
// as written. Headings are the same face drawn with a thin outline (one
// font keeps a document's generation fast); the QR code is drawn as vector
// squares, sharp at any zoom.
package pdf

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/text/unicode/norm"

	"transito/models/fines"
)

//go:embed fonts/DejaVuSans.ttf
var fontTTF []byte

// Document is what every document carries besides its own data.
type Document struct {
	Authority string         // the authority's name (TRANSITO_AUTHORITY)
	PublicURL string         // the base of the QR code's link (TRANSITO_PUBLIC_URL)
	Code      string         // the verification code stored in certificates
	IssuedAt  time.Time      // when the document was issued
	Location  *time.Location // the zone every date is shown in (UTC when nil)
	Currency  string         // ISO 4217 code of the amounts (TRANSITO_CURRENCY; "" is ARS)
}

// VerifyURL returns the link a document's QR code points to:
// <publicURL>/verificar/<code>.
func VerifyURL(publicURL, code string) string {
	return strings.TrimRight(publicURL, "/") + "/verificar/" + url.PathEscape(code)
}

// Acta is the data of an infraction's acta. Empty strings and zero times
// are shown as "—"; an infraction without a type is shown as sin tipificar.
type Acta struct {
	InfractionID  int64
	OccurredAt    time.Time
	RecordedAt    time.Time
	Plate         string
	Brand, Color  string
	Owner         string // the owner at the time of the infraction
	OwnerDocument string
	Officer       string
	OfficerBadge  string

	TypeCode        string // empty while sin tipificar
	TypeDescription string
	LegalRef        string
	Severity        string
	Points          int

	Place               string
	Latitude, Longitude *float64
	Comments            string

	Status        string      // estado (vigente, en_descargo, pagada, anulada, prescrita)
	StatusNote    string      // e.g. the reason of an annulment
	AmountCents   int64       // importe at issue
	ToPayCents    *int64      // a_pagar on IssuedAt; nil when nothing is owed
	ToPayReason   string      // fines.Reason's text, e.g. "con 50 % de descuento hasta el 21/03/2026"
	DiscountUntil *fines.Date // descuento_hasta
	DueDate       *fines.Date // vencimiento
}

// Recibo is the data of a payment's receipt.
type Recibo struct {
	PaymentID       int64
	InfractionID    int64
	Plate           string
	Owner           string
	TypeCode        string
	TypeDescription string
	OccurredAt      time.Time
	AmountCents     int64
	Method          string // efectivo, transferencia, tarjeta or pasarela
	Reference       string
	PaidAt          time.Time
}

// LibreDeuda is the data of a plate's certificado de libre deuda; it is
// issued at Document.IssuedAt.
type LibreDeuda struct {
	Plate        string
	Brand, Color string
	Owner        string
	ExpiresAt    time.Time
}

// WriteActa writes the acta of an infraction as a PDF to w.
func WriteActa(w io.Writer, d Document, a Acta) error {
	b, err := newBuilder(d, "Acta de infracción", "N.º "+strconv.FormatInt(a.InfractionID, 10))
	if err != nil {
		return err
	}
	b.section("Infracción")
	b.row("Fecha y hora", b.dateTime(a.OccurredAt))
	b.row("Registrada", b.dateTime(a.RecordedAt))
	b.row("Lugar", place(a))
	b.row("Agente", joinNonEmpty(" — legajo ", a.Officer, a.OfficerBadge))
	b.row("Comentarios", a.Comments)

	b.section("Vehículo y titular")
	b.row("Patente", a.Plate)
	b.row("Vehículo", joinNonEmpty(", ", a.Brand, a.Color))
	b.row("Titular", joinNonEmpty(" — documento ", a.Owner, a.OwnerDocument))

	b.section("Tipificación e importe")
	if a.TypeCode == "" {
		b.row("Tipo", "sin tipificar: todavía no tiene importe")
	} else {
		b.row("Código", a.TypeCode)
		b.row("Descripción", a.TypeDescription)
		b.row("Norma", a.LegalRef)
		b.row("Gravedad", a.Severity)
		b.row("Puntos", strconv.Itoa(a.Points))
		b.row("Importe", b.money(a.AmountCents))
		b.row("Descuento hasta", dateOrDash(a.DiscountUntil))
		b.row("Vencimiento", dateOrDash(a.DueDate))
	}
	b.row("Estado", joinNonEmpty(": ", a.Status, a.StatusNote))
	if a.ToPayCents != nil {
		b.row("A pagar hoy", joinNonEmpty(" — ", b.money(*a.ToPayCents), a.ToPayReason))
	}
	return b.finish(w)
}

// WriteRecibo writes the receipt of a payment as a PDF to w.
func WriteRecibo(w io.Writer, d Document, r Recibo) error {
	b, err := newBuilder(d, "Recibo de pago", "N.º "+strconv.FormatInt(r.PaymentID, 10))
	if err != nil {
		return err
	}
	b.section("Pago")
	b.row("Importe pagado", b.money(r.AmountCents))
	b.row("Fecha de pago", b.dateTime(r.PaidAt))
	b.row("Medio", methodName(r.Method))
	b.row("Referencia", r.Reference)

	b.section("Infracción pagada")
	b.row("Acta", "N.º "+strconv.FormatInt(r.InfractionID, 10))
	b.row("Fecha y hora", b.dateTime(r.OccurredAt))
	b.row("Patente", r.Plate)
	b.row("Titular", r.Owner)
	b.row("Infracción", joinNonEmpty(" — ", r.TypeCode, r.TypeDescription))
	return b.finish(w)
}

// WriteLibreDeuda writes a plate's certificado de libre deuda as a PDF to w.
func WriteLibreDeuda(w io.Writer, d Document, c LibreDeuda) error {
	b, err := newBuilder(d, "Certificado de libre deuda", "Patente "+clean(c.Plate))
	if err != nil {
		return err
	}
	b.paragraph(clean(d.Authority) + " certifica que, a la fecha de emisión, el vehículo indicado " +
		"no registra multas impagas. Este certificado es válido hasta el " + b.date(c.ExpiresAt) + ".")
	b.section("Vehículo")
	b.row("Patente", c.Plate)
	b.row("Vehículo", joinNonEmpty(", ", c.Brand, c.Color))
	b.row("Titular", c.Owner)
	b.section("Validez")
	b.row("Emitido", b.dateTime(d.IssuedAt))
	b.row("Válido hasta", b.date(c.ExpiresAt))
	return b.finish(w)
}

// Layout, in millimetres on A4 portrait.
const (
	margin    = 18.0
	pageW     = 210.0
	qrSize    = 34.0
	labelW    = 42.0
	lineH     = 5.2
	footerTop = 297.0 - 24.0
)

type builder struct {
	p   *fpdf.Fpdf
	doc Document
	url string
}

func newBuilder(d Document, title, number string) (*builder, error) {
	if strings.TrimSpace(d.Code) == "" {
		return nil, errors.New("pdf: the verification code is empty")
	}
	if d.Location == nil {
		d.Location = time.UTC
	}
	b := &builder{doc: d, url: VerifyURL(d.PublicURL, d.Code)}
	p := fpdf.New("P", "mm", "A4", "")
	b.p = p
	p.AddUTF8FontFromBytes("dejavu", "", fontTTF)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(true, 297.0-footerTop+4)
	p.SetCreationDate(d.IssuedAt)
	p.SetModificationDate(d.IssuedAt)
	p.SetCatalogSort(true)
	p.SetTitle(title+" "+number, true)
	p.SetAuthor(clean(d.Authority), true)
	p.SetCreator("Tránsito", true)
	p.SetLang("es")
	p.SetFooterFunc(b.footer)
	p.AddPage()

	qr, err := qrcode.New(b.url, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("pdf: qr code: %w", err)
	}
	qr.DisableBorder = true
	b.drawQR(qr.Bitmap(), pageW-margin-qrSize, margin)

	textW := pageW - 2*margin - qrSize - 6
	p.SetTextColor(20, 20, 20)
	b.bold(true)
	p.SetFont("dejavu", "", 15)
	p.MultiCell(textW, 7, clean(d.Authority), "", "L", false)
	p.Ln(2)
	p.SetFont("dejavu", "", 13)
	p.MultiCell(textW, 6.5, title, "", "L", false)
	b.bold(false)
	p.SetFont("dejavu", "", 11)
	p.MultiCell(textW, 6, clean(number), "", "L", false)
	p.SetFont("dejavu", "", 8)
	p.SetTextColor(90, 90, 90)
	p.MultiCell(textW, 4.5, "Emitido el "+b.dateTime(d.IssuedAt), "", "L", false)

	p.SetFont("dejavu", "", 7)
	p.SetXY(pageW-margin-qrSize-4, margin+qrSize+1.5)
	p.MultiCell(qrSize+8, 3.2, "Código de verificación\n"+clean(d.Code), "", "C", false)

	y := max(p.GetY(), margin+qrSize+10) + 2
	p.SetDrawColor(150, 150, 150)
	p.SetLineWidth(0.3)
	p.Line(margin, y, pageW-margin, y)
	p.SetXY(margin, y+3)
	return b, nil
}

// drawQR draws the dark modules as filled squares, one rectangle per run of
// a row. The quiet zone is the white space left around it.
func (b *builder) drawQR(bits [][]bool, x, y float64) {
	n := len(bits)
	if n == 0 {
		return
	}
	m := qrSize / float64(n)
	b.p.SetFillColor(0, 0, 0)
	for r, row := range bits {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			b.p.Rect(x+float64(start)*m, y+float64(r)*m, float64(c-start)*m, m, "F")
		}
	}
}

// bold turns the outline that thickens headings on or off.
func (b *builder) bold(on bool) {
	if on {
		b.p.SetDrawColor(20, 20, 20)
		b.p.SetLineWidth(0.18)
		b.p.SetTextRenderingMode(2)
		return
	}
	b.p.SetTextRenderingMode(0)
}

func (b *builder) section(title string) {
	p := b.p
	p.Ln(3)
	p.SetTextColor(20, 20, 20)
	b.bold(true)
	p.SetFont("dejavu", "", 11)
	p.CellFormat(0, 7, title, "", 1, "L", false, 0, "")
	b.bold(false)
	y := p.GetY()
	p.SetDrawColor(200, 200, 200)
	p.SetLineWidth(0.2)
	p.Line(margin, y, pageW-margin, y)
	p.Ln(1.5)
}

func (b *builder) row(label, value string) {
	p := b.p
	value = clean(value)
	if value == "" {
		value = "—"
	}
	// Keep a label with the first line of its value.
	if p.GetY()+lineH > footerTop-4 {
		p.AddPage()
	}
	y := p.GetY()
	p.SetFont("dejavu", "", 8.5)
	p.SetTextColor(90, 90, 90)
	p.SetXY(margin, y+0.4)
	p.CellFormat(labelW, lineH-0.4, label, "", 0, "L", false, 0, "")
	p.SetFont("dejavu", "", 10)
	p.SetTextColor(20, 20, 20)
	p.SetXY(margin+labelW, y)
	p.MultiCell(pageW-2*margin-labelW, lineH, value, "", "L", false)
	p.Ln(0.8)
}

func (b *builder) paragraph(text string) {
	p := b.p
	p.Ln(2)
	p.SetFont("dejavu", "", 10.5)
	p.SetTextColor(20, 20, 20)
	p.MultiCell(0, 5.6, text, "", "L", false)
}

func (b *builder) footer() {
	p := b.p
	p.SetY(footerTop)
	p.SetDrawColor(150, 150, 150)
	p.SetLineWidth(0.3)
	p.Line(margin, footerTop, pageW-margin, footerTop)
	p.SetXY(margin, footerTop+1.5)
	p.SetFont("dejavu", "", 7.5)
	p.SetTextColor(90, 90, 90)
	p.MultiCell(pageW-2*margin, 3.6,
		"Verifique la autenticidad de este documento en "+b.url+
			" o escaneando el código QR. Código de verificación: "+clean(b.doc.Code)+".\n"+
			clean(b.doc.Authority)+" — página "+strconv.Itoa(p.PageNo()), "", "L", false)
}

func (b *builder) finish(w io.Writer) error {
	if err := b.p.Output(w); err != nil {
		return fmt.Errorf("pdf: write: %w", err)
	}
	return nil
}

func (b *builder) dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(b.doc.Location).Format("02/01/2006 15:04")
}

func (b *builder) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fines.DateOf(t, b.doc.Location).Display()
}

func (b *builder) money(cents int64) string {
	return fines.DisplayAmount(cents, b.doc.Currency)
}

func dateOrDash(d *fines.Date) string {
	if d == nil || d.IsZero() {
		return ""
	}
	return d.Display()
}

func place(a Acta) string {
	var coords string
	if a.Latitude != nil && a.Longitude != nil {
		coords = strconv.FormatFloat(*a.Latitude, 'f', 6, 64) + ", " + strconv.FormatFloat(*a.Longitude, 'f', 6, 64)
	}
	return joinNonEmpty(" — ", a.Place, coords)
}

func methodName(m string) string {
	switch m {
	case "efectivo":
		return "Efectivo"
	case "transferencia":
		return "Transferencia"
	case "tarjeta":
		return "Tarjeta"
	case "pasarela":
		return "Pasarela de pago"
	}
	return m
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			kept = append(kept, s)
		}
	}
	return strings.Join(kept, sep)
}

// clean prepares text for the page: valid UTF-8, composed (NFC) so accents
// are one glyph, tabs as spaces, without other control characters, and
// trimmed. Runes beyond the Basic Multilingual Plane (emoji), which the PDF
// writer cannot encode, become U+FFFD.
func clean(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		case r > 0xFFFF:
			return unicode.ReplacementChar
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
