package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"transito/internal/testenv"
	"transito/models/rules"
)

func crumbs(doc *goquery.Document) []string {
	var out []string
	testenv.Testid(doc, "breadcrumbs").Find("li").Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s.Text()), "›")))
	})
	return out
}

// TestBreadcrumbs: every panel page says where it stands, the last step
// being the page itself (not a link).
func TestBreadcrumbs(t *testing.T) {
	e := testenv.Panel(t)
	p := testenv.MustPerson(t, e.Store, "Ana Martínez", "ana@example.com")
	e.Login()
	for path, want := range map[string]string{
		"/admin":                        "",
		"/admin/personas":               "Inicio|Personas",
		"/admin/personas/" + itoa(p.ID): "Inicio|Personas|Ana Martínez",
		"/admin/personas/" + itoa(p.ID) + "/eliminar": "Inicio|Personas|Eliminar persona",
		"/admin/importar":  "Inicio|Importar",
		"/admin/auditoria": "Inicio|Auditoría",
	} {
		_, doc := e.Get(path)
		if got := strings.Join(crumbs(doc), "|"); got != want {
			t.Errorf("%s: breadcrumbs %q, want %q", path, got, want)
		}
		if want != "" && testenv.Testid(doc, "breadcrumbs").Find(`[aria-current="page"]`).Length() != 1 {
			t.Errorf("%s: the current page is not marked", path)
		}
	}
}

// TestDateDrillDown: years → months → days with counts from the database,
// each link setting desde and hasta and keeping the other filters.
func TestDateDrillDown(t *testing.T) {
	env := testenv.New(t, testenv.WithAdmin(), testenv.WithRegistry())
	ctx := context.Background()
	loc := env.Config.Location
	for _, at := range []time.Time{
		time.Date(2025, 12, 31, 23, 0, 0, 0, loc), time.Date(2026, 3, 5, 10, 0, 0, 0, loc), time.Date(2026, 3, 5, 11, 0, 0, 0, loc), time.Date(2026, 3, 20, 9, 0, 0, 0, loc),
	} {
		if _, err := env.Store.CreateInfraction(ctx, rules.InfractionInput{Plate: "AB123CD", Badge: "B1", OccurredAt: at, Comments: "x"}, testenv.Actor); err != nil {
			t.Fatal(err)
		}
	}
	e := env.Client()
	e.Login()
	buckets := func(doc *goquery.Document) map[string]string {
		m := map[string]string{}
		testenv.Testid(doc, "date-bucket").Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			m[strings.TrimSpace(s.Text())] = href
		})
		return m
	}
	_, doc := e.Get("/admin/infracciones?estado=vigente")
	years := buckets(doc)
	if _, ok := years["2025 (1)"]; !ok {
		t.Fatalf("years: %v", years)
	}
	href, ok := years["2026 (3)"]
	if !ok {
		t.Fatalf("years: %v", years)
	}
	u, _ := url.Parse(href)
	if q := u.Query(); q.Get("desde") != "2026-01-01" || q.Get("hasta") != "2026-12-31" || q.Get("estado") != "vigente" {
		t.Errorf("year link %s", href)
	}
	_, doc = e.Get(href)
	months := buckets(doc)
	if months["enero (0)"] != "" || months["marzo (3)"] == "" {
		t.Fatalf("months of 2026: %v", months)
	}
	_, doc = e.Get(months["marzo (3)"])
	days := buckets(doc)
	if days["5 (2)"] == "" || days["20 (1)"] == "" || len(days) != 31 {
		t.Fatalf("days of March: %v", days)
	}
	_, doc = e.Get(days["5 (2)"])
	if n := testenv.Testid(doc, "row").Length(); n != 2 {
		t.Errorf("rows on 5 March: %d", n)
	}
	if up := testenv.Testid(doc, "date-drill-up").Text(); !strings.Contains(up, "marzo de 2026") || !strings.Contains(up, "5 de marzo") {
		t.Errorf("the way back up: %q", up)
	}
	_, doc = e.Get("/admin/auditoria")
	if testenv.Testid(doc, "date-bucket").Length() == 0 {
		t.Error("the audit log has no date drill-down")
	}
}
