package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"strings"
	"testing"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// The demo has a pending descargo (Ana's speeding fine): the supervisor
// reads it in the queue, rejects it with a written resolution, and the
// citizen sees the resolution; an operador may read but not resolve.
func TestDisputesQueueAndResolution(t *testing.T) {
	c := testenv.Panel(t, testenv.WithDemo())
	ctx := context.Background()
	testenv.MustAdmin(t, c.Store, "oper", rules.RoleOperador)
	testenv.MustAdmin(t, c.Store, "super", rules.RoleSupervisor)
	page, err := c.Store.ListDisputes(ctx, models.ListQuery{Filters: map[string]string{"estado": "pendiente"}})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("pending descargos %v %v", page, err)
	}
	d := page.Items[0]
	id := strconv.FormatInt(d.ID, 10)

	c.LoginAs("oper", testenv.Password)
	resp, doc := c.Get("/admin/descargos?estado=pendiente")
	testenv.WantStatus(t, resp, http.StatusOK)
	if !strings.Contains(doc.Text(), d.Reference) {
		t.Errorf("the queue does not list %s", d.Reference)
	}
	resp, doc = c.Get("/admin/descargos/" + id)
	testenv.WantStatus(t, resp, http.StatusOK)
	if strings.TrimSpace(testenv.Testid(doc, "dispute-text").Text()) != d.Text || testenv.Testid(doc, "resolve-form").Length() != 0 {
		t.Error("the operador's page: wrong text, or a decision form it may not use")
	}
	if resp, _ := c.Post("/admin/descargos/"+id+"/resolver", url.Values{"decision": {"rechazar"}, "resolucion": {"No."}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("operador resolving: %d, want 403", resp.StatusCode)
	}

	s := c.Env.Client()
	s.LoginAs("super", testenv.Password)
	_, doc = s.Get("/admin/descargos/" + id)
	if testenv.Testid(doc, "resolve-form").Length() != 1 {
		t.Fatal("the supervisor gets no decision form")
	}
	resp, doc = s.Post("/admin/descargos/"+id+"/resolver", url.Values{"decision": {"quizas"}, "resolucion": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || doc.Find(`[aria-invalid="true"]`).Length() != 2 {
		t.Errorf("bad decision: %d, %d invalid fields", resp.StatusCode, doc.Find(`[aria-invalid="true"]`).Length())
	}
	resp, _ = s.Post("/admin/descargos/"+id+"/resolver", url.Values{"decision": {"rechazar"}, "resolucion": {"La foto muestra el semáforo en rojo."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resolve: %d", resp.StatusCode)
	}
	got, _ := s.Store.DisputeByID(ctx, d.ID)
	if got.Status != "rechazado" || got.Resolution != "La foto muestra el semáforo en rojo." {
		t.Errorf("descargo after rejecting: %+v", got)
	}
	// The citizen sees it on the portal.
	citizen := c.Env.Client()
	_, doc = citizen.Get("/consulta?email=" + testenv.DemoEmail + "&placa_patente=AC456EF")
	res := doc.Find(`[data-id="` + strconv.FormatInt(d.InfractionID, 10) + `"] [data-testid="dispute-resolution"]`)
	if !strings.Contains(res.Text(), "semáforo en rojo") {
		t.Errorf("the portal does not show the resolution: %q", res.Text())
	}
	if resp, _ := s.Post("/admin/descargos/"+id+"/resolver", url.Values{"decision": {"aceptar"}, "resolucion": {"Otra"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("resolving twice: %d", resp.StatusCode)
	}
	// The outbox page lists the decision mail, pending (no relay here).
	resp, doc = s.Get("/admin/notificaciones?estado=pendiente")
	testenv.WantStatus(t, resp, http.StatusOK)
	if !strings.Contains(doc.Text(), "Resolución del descargo "+d.Reference) {
		t.Error("the outbox does not show the decision mail")
	}
}
