package pdf

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"transito/models/fines"
)

const spanish = "áéíóú ÁÉÍÓÚ üÜ ñÑ ¿¡ º ª €"

func fixtures(t testing.TB) (Document, Acta, Recibo, LibreDeuda) {
	ba, err := time.LoadLocation("America/Argentina/Buenos_Aires")
	if err != nil {
		t.Fatal(err)
	}
	d := Document{
		Authority: "Dirección de Tránsito de Ñuñoa",
		PublicURL: "https://transito.example.gob.ar/",
		Code:      "K7Q2-M9XD-4TPA-WZ3H",
		IssuedAt:  time.Date(2026, 3, 1, 2, 30, 0, 0, time.UTC), // 28/02/2026 23:30 in Buenos Aires
		Location:  ba,
		Currency:  "ARS",
	}
	lat, lon := -34.603722, -58.381592
	toPay := int64(2250000)
	discount, due := fines.NewDate(2026, 3, 20), fines.NewDate(2026, 4, 29)
	a := Acta{
		InfractionID: 4217, OccurredAt: time.Date(2026, 2, 28, 21, 15, 0, 0, time.UTC), RecordedAt: time.Date(2026, 2, 28, 21, 16, 0, 0, time.UTC),
		Plate: "AB123CD", Brand: "Peugeot 208", Color: "Gris", Owner: "José Peña Ibáñez", OwnerDocument: "20345678",
		Officer: "Agustina Núñez", OfficerBadge: "PF-0042",
		TypeCode: "LN-77.M", TypeDescription: "Cruzar con semáforo en rojo (¿no vio la señal?)", LegalRef: "Ley 24.449, art. 77 inc. m",
		Severity: "grave", Points: 5,
		Place: "Av. Corrientes 1200, esquina Talcahuano", Latitude: &lat, Longitude: &lon,
		Comments: "¡Conductor advertido! Placa Nº 3 — " + spanish,
		Status:   "vigente", AmountCents: 4500000, ToPayCents: &toPay, ToPayReason: "con 50 % de descuento hasta el 20/03/2026",
		DiscountUntil: &discount, DueDate: &due,
	}
	r := Recibo{PaymentID: 98, InfractionID: 4217, Plate: "AB123CD", Owner: "José Peña Ibáñez", TypeCode: "LN-77.M",
		TypeDescription: "Cruzar con semáforo en rojo", OccurredAt: a.OccurredAt, AmountCents: 2250050,
		Method: "transferencia", Reference: "TRF-2026-000123", PaidAt: time.Date(2026, 3, 10, 15, 4, 0, 0, time.UTC)}
	c := LibreDeuda{Plate: "AB123CD", Brand: "Peugeot 208", Color: "Gris", Owner: "María Güemes", ExpiresAt: time.Date(2026, 3, 31, 2, 30, 0, 0, time.UTC)}
	return d, a, r, c
}

func render(t testing.TB, write func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
		t.Fatalf("not a PDF: %q … %q", b[:min(len(b), 16)], b[max(0, len(b)-16):])
	}
	return b
}

func TestDocuments(t *testing.T) {
	d, a, r, c := fixtures(t)
	url := "https://transito.example.gob.ar/verificar/K7Q2-M9XD-4TPA-WZ3H"
	common := []string{"Dirección de Tránsito de Ñuñoa", "Código de verificación", "K7Q2-M9XD-4TPA-WZ3H", url, "Emitido el 28/02/2026 23:30"}
	tests := []struct {
		name  string
		write func(*bytes.Buffer) error
		want  []string
	}{
		{"acta", func(w *bytes.Buffer) error { return WriteActa(w, d, a) }, []string{
			"Acta de infracción", "N.º 4217", "28/02/2026 18:15", "AB123CD", "Peugeot 208, Gris", "José Peña Ibáñez — documento 20345678",
			"Agustina Núñez — legajo PF-0042", "LN-77.M", "Cruzar con semáforo en rojo (¿no vio la señal?)", "Ley 24.449, art. 77 inc. m",
			"Av. Corrientes 1200, esquina Talcahuano — -34.603722, -58.381592", "$ 45.000,00", "20/03/2026", "29/04/2026",
			"$ 22.500,00 — con 50 % de descuento hasta el 20/03/2026", "¡Conductor advertido! Placa Nº 3", spanish, "vigente",
		}},
		{"recibo", func(w *bytes.Buffer) error { return WriteRecibo(w, d, r) }, []string{
			"Recibo de pago", "N.º 98", "$ 22.500,50", "10/03/2026 12:04", "Transferencia", "TRF-2026-000123", "N.º 4217", "LN-77.M — Cruzar con semáforo en rojo",
		}},
		{"libre deuda", func(w *bytes.Buffer) error { return WriteLibreDeuda(w, d, c) }, []string{
			"Certificado de libre deuda", "Patente AB123CD", "registra multas impagas", "María Güemes", "Válido hasta", "30/03/2026",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := render(t, tt.write)
			text := pdfText(t, b)
			for _, s := range append(common, tt.want...) {
				if !strings.Contains(text, s) {
					t.Errorf("text lacks %q; it is:\n%s", s, text)
				}
			}
			if got := decodeDrawnQR(t, b); got != url {
				t.Errorf("QR code = %q, want %q", got, url)
			}
		})
	}
}

// An infraction without a type shows no amounts; an annulled one its reason.
func TestActaStates(t *testing.T) {
	d, a, _, _ := fixtures(t)
	a.TypeCode, a.ToPayCents, a.Status, a.StatusNote = "", nil, "anulada", "Patente mal leída"
	text := pdfText(t, render(t, func(w *bytes.Buffer) error { return WriteActa(w, d, a) }))
	for _, s := range []string{"sin tipificar", "anulada: Patente mal leída"} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
	for _, s := range []string{"A pagar hoy", "$ 45.000,00", "Ley 24.449"} {
		if strings.Contains(text, s) {
			t.Errorf("text shows %q:\n%s", s, text)
		}
	}
}

// Long comments flow onto more pages, each with the footer; bad text
// (invalid UTF-8, control characters, emoji) neither breaks the file nor
// reaches it.
func TestActaLongAndHostileText(t *testing.T) {
	d, a, _, _ := fixtures(t)
	a.Comments = strings.Repeat("Observación del agente: el conductor circulaba a gran velocidad. ", 120) + "FIN"
	a.Owner = "Jos\xe9 \x00Pe\u0301rez\x1b 🚗 (ñ)"
	a.Place = "Calle\tFalsa 123\r\nPiso 2"
	b := render(t, func(w *bytes.Buffer) error { return WriteActa(w, d, a) })
	text := pdfText(t, b)
	if n := strings.Count(text, "Código de verificación: K7Q2-M9XD-4TPA-WZ3H"); n < 2 {
		t.Errorf("footer on %d pages, want every page (≥ 2)", n)
	}
	for _, s := range []string{"página 1", "página 2", "FIN", "Jos\uFFFD Pérez \uFFFD (ñ)", "Calle Falsa 123"} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q", s)
		}
	}
	if strings.ContainsAny(text, "\x00\x1b\t\r") {
		t.Error("control characters reached the page")
	}
}

func TestMissingCode(t *testing.T) {
	d, a, _, _ := fixtures(t)
	d.Code = " "
	if err := WriteActa(&bytes.Buffer{}, d, a); err == nil {
		t.Error("an acta without a verification code was written")
	}
}

func TestVerifyURL(t *testing.T) {
	tests := []struct{ base, code, want string }{
		{"http://localhost:8000", "ABC", "http://localhost:8000/verificar/ABC"},
		{"https://x.gob.ar/", "ABC", "https://x.gob.ar/verificar/ABC"},
		{"https://x.gob.ar/transito//", "A B/C", "https://x.gob.ar/transito/verificar/A%20B%2FC"},
	}
	for _, tt := range tests {
		if got := VerifyURL(tt.base, tt.code); got != tt.want {
			t.Errorf("VerifyURL(%q, %q) = %q, want %q", tt.base, tt.code, got, tt.want)
		}
	}
}

// With poppler's tools installed (apt-get install poppler-utils), a real
// PDF reader extracts the Spanish text through the font's ToUnicode map,
// and the page it rasterises has a QR code that decodes to the link.
func TestWithPoppler(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian package poppler-utils): the pure-Go checks above still ran", tool)
		}
	}
	d, a, _, _ := fixtures(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "acta.pdf")
	if err := os.WriteFile(file, render(t, func(w *bytes.Buffer) error { return WriteActa(w, d, a) }), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, out)
	}
	for _, s := range []string{"Dirección de Tránsito de Ñuñoa", "José Peña Ibáñez", "¿no vio la señal?", spanish, "$ 45.000,00"} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("pdftotext lacks %q:\n%s", s, out)
		}
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := decodeQR(t, img), VerifyURL(d.PublicURL, d.Code); got != want {
		t.Errorf("QR code on the rendered page = %q, want %q", got, want)
	}
}

// BenchmarkActa measures one acta, from the data to the bytes (the target
// is ≤ 20 ms median and ≥ 100 per second per core: run with -cpu 1). Beside
// the wall-clock median it reports the process's CPU time per acta (user +
// system, the garbage collector's included) and what that makes per
// CPU-second, which a busy machine changes less than it changes the median.
func BenchmarkActa(b *testing.B) {
	d, a, _, _ := fixtures(b)
	var buf bytes.Buffer
	var took []time.Duration
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	for b.Loop() {
		start := time.Now()
		buf.Reset()
		if err := WriteActa(&buf, d, a); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	cpu := (cpuTime(b) - cpu0) / time.Duration(len(took))
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(cpu.Microseconds())/1000, "cpu-ms/op")
	b.ReportMetric(float64(time.Second)/float64(cpu), "actas/cpu-s")
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

// cpuTime is the CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
