package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// rolesPanel is a panel with an officer, an infraction and one logged-in
// client per role ("admin" is the administrador).
type rolesPanel struct {
	*testenv.Env
	as         map[rules.Role]*testenv.Client
	officer    *models.Officer
	infraction int64
}

func newRolesPanel(t *testing.T) *rolesPanel {
	t.Helper()
	e := testenv.New(t, testenv.WithAdmin())
	p := testenv.MustPerson(t, e.Store, "Ana Pérez", "ana@example.com")
	v := testenv.MustVehicle(t, e.Store, "AB123CD", p.ID)
	o := testenv.MustOfficer(t, e.Store, "Oficial Uno", "B1")
	if _, err := e.Store.IssueToken(context.Background(), o.ID, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	inf := testenv.MustInfraction(t, e.Store, v.Plate, o.Badge, time.Now().Add(-time.Hour))
	testenv.MustAdmin(t, e.Store, "opera", rules.RoleOperador)
	testenv.MustAdmin(t, e.Store, "super", rules.RoleSupervisor)
	rp := &rolesPanel{Env: e, officer: o, infraction: inf, as: map[rules.Role]*testenv.Client{}}
	for role, user := range map[rules.Role]string{rules.RoleOperador: "opera", rules.RoleSupervisor: "super", rules.RoleAdministrador: "admin"} {
		c := e.Client()
		c.LoginAs(user, testenv.Password)
		rp.as[role] = c
	}
	return rp
}

func has(doc *goquery.Document, testid string) bool { return testenv.Testid(doc, testid).Length() > 0 }

// TestPanelShowsEachRoleOnlyWhatItMayDo: the buttons, forms and sections
// of what a role may not do are not on its pages.
func TestPanelShowsEachRoleOnlyWhatItMayDo(t *testing.T) {
	rp := newRolesPanel(t)
	officer, infraction := fmt.Sprintf("/admin/oficiales/%d", rp.officer.ID), fmt.Sprintf("/admin/infracciones/%d", rp.infraction)
	type view struct {
		path    string
		testids []string
		min     rules.Role
	}
	views := []view{
		{"/admin", []string{"nav-administradores"}, rules.RoleAdministrador},
		{"/admin", []string{"nav-oficiales", "nav-personas", "nav-importar", "my-password"}, rules.RoleOperador},
		{officer, []string{"toggle-active", "issue-token", "revoke-token", "officer-form", "delete-link"}, rules.RoleSupervisor},
		{officer, []string{"token-card"}, rules.RoleOperador},
		{"/admin/oficiales", []string{"officer-form", "create-panel"}, rules.RoleSupervisor},
		{infraction, []string{"void-form"}, rules.RoleSupervisor},
		{infraction, []string{"classify-form"}, rules.RoleOperador},
		{"/admin/catalogo", []string{"type-form", "catalog-import-form", "create-panel"}, rules.RoleAdministrador},
		{"/admin/tarifas", []string{"unit-form", "settings-form"}, rules.RoleAdministrador},
		{"/admin/tarifas", []string{"unit-today"}, rules.RoleOperador},
		{"/admin/personas", []string{"person-form"}, rules.RoleOperador},
		{"/admin/importar", []string{"import-preview"}, rules.RoleOperador},
	}
	for role, c := range rp.as {
		for _, v := range views {
			resp, doc := c.Get(v.path)
			testenv.WantStatus(t, resp, http.StatusOK)
			for _, id := range v.testids {
				if want := role.Includes(v.min); has(doc, id) != want {
					t.Errorf("%s on %s: %s shown = %v, want %v", role, v.path, id, !want, want)
				}
			}
		}
		if _, doc := c.Get("/admin/cuenta"); testenv.Testid(doc, "current-role").Text() != "("+string(role)+")" || !has(doc, "password-form") {
			t.Errorf("%s: the account page does not show the role and the password form", role)
		}
	}
	// The operador sees that the officer's data exist, not how to change them.
	_, doc := rp.as[rules.RoleOperador].Get(officer)
	if !strings.Contains(testenv.Testid(doc, "needs-role").Text(), "supervisor") {
		t.Errorf("the operador's officer page does not say who may manage it: %q", testenv.Testid(doc, "needs-role").Text())
	}
	// The administrators' pages are the administrador's alone: their
	// controls are nowhere else.
	for _, role := range []rules.Role{rules.RoleOperador, rules.RoleSupervisor} {
		for _, p := range []string{"/admin/administradores", "/admin/administradores/1"} {
			resp, doc := rp.as[role].Get(p)
			testenv.WantStatus(t, resp, http.StatusForbidden)
			if has(doc, "admin-change-form") || has(doc, "password-reset-form") || has(doc, "admin-form") {
				t.Errorf("%s sees the controls of %s", role, p)
			}
			if got := testenv.Testid(doc, "error-detail").Text(); !strings.Contains(got, "Esta página requiere el rol administrador.") {
				t.Errorf("%s on %s: %q", role, p, got)
			}
		}
	}
	_, doc = rp.as[rules.RoleAdministrador].Get("/admin/administradores/2")
	for _, id := range []string{"admin-change-form", "password-reset-form", "delete-link", "admin-state"} {
		if !has(doc, id) {
			t.Errorf("the administrador does not see %s on another account's page", id)
		}
	}
}

// TestForbiddenActionNamesTheRole: a refused action answers 403 with a page
// naming the role it needs (or, for htmx, the same words as a flash) and
// changes nothing.
func TestForbiddenActionNamesTheRole(t *testing.T) {
	rp := newRolesPanel(t)
	op := rp.as[rules.RoleOperador]
	annul := fmt.Sprintf("/admin/infracciones/%d/anular", rp.infraction)
	resp, doc := op.Post(annul, url.Values{"motivo": {"Sin permiso"}})
	testenv.WantStatus(t, resp, http.StatusForbidden)
	if got := testenv.Testid(doc, "error-detail").Text(); !strings.Contains(got, "Esta acción requiere el rol supervisor.") || !strings.Contains(got, "operador") {
		t.Errorf("403 page: %q, want the role needed and the role held", got)
	}

	resp, doc = op.Post(annul, url.Values{"motivo": {"Sin permiso"}}, "HX-Request", "true")
	testenv.WantStatus(t, resp, http.StatusForbidden)
	if resp.Header.Get("HX-Reswap") != "none" {
		t.Errorf("HX-Reswap = %q, want none (the page stays as it is)", resp.Header.Get("HX-Reswap"))
	}
	flash := doc.Find(`#flashes[hx-swap-oob] [data-testid="flash-error"]`)
	if !strings.Contains(flash.Text(), "Esta acción requiere el rol supervisor.") || has(doc, "error-page") {
		t.Errorf("htmx 403: flash %q, error page %v; want the flash alone", flash.Text(), has(doc, "error-page"))
	}
	i, err := rp.Store.InfractionByID(context.Background(), rp.infraction)
	if err != nil || i.Status != models.StatusValid {
		t.Fatalf("infraction after refused annulments: %+v %v", i, err)
	}

	// What the role may do it does.
	resp, _ = rp.as[rules.RoleSupervisor].Post(annul, url.Values{"motivo": {"Error de carga"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	resp, _ = op.Post("/admin/personas", url.Values{"nombre": {"Bruno Díaz"}, "email": {"bruno@example.com"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	resp, _ = op.Post("/admin/infracciones", url.Values{"placa_patente": {"AB123CD"}, "oficial": {"B1"}, "timestamp": {"2024-05-01T10:00"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	resp, _ = rp.as[rules.RoleSupervisor].Post(fmt.Sprintf("/admin/oficiales/%d/token", rp.officer.ID), nil)
	testenv.WantStatus(t, resp, http.StatusOK)
}

// TestAdministradorManagesAccounts goes through an account's life: created
// with a role, its role changed (in force from the next request), deactivated
// (its sessions end, its login is refused), reactivated, its password reset
// (its sessions end again), each change audited.
func TestAdministradorManagesAccounts(t *testing.T) {
	e := testenv.New(t, testenv.WithAdmin())
	root := e.Client()
	root.Login()
	resp, _ := root.Post("/admin/administradores", url.Values{"usuario": {"Laura"}, "clave": {"clave-de-laura-1"}, "rol": {"supervisor"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	resp, doc := root.Post("/admin/administradores", url.Values{"usuario": {"pepe"}, "clave": {"clave-de-pepe-1"}, "rol": {"jefe"}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if !strings.Contains(testenv.Testid(doc, "error-rol").Text(), "administrador, supervisor u operador") {
		t.Errorf("bad role: %q", testenv.Testid(doc, "error-rol").Text())
	}
	resp, _ = root.Post("/admin/administradores", url.Values{"usuario": {"sinrol"}, "clave": {"clave-sin-rol-1"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = root.Get("/admin/administradores?orden=usuario")
	roles := map[string]string{}
	testenv.Testid(doc, "row").Each(func(_ int, s *goquery.Selection) {
		cells := s.Find("td")
		roles[strings.TrimSpace(cells.Eq(0).Text())] = strings.TrimSpace(cells.Eq(1).Text())
	})
	if roles["admin"] != "administrador" || roles["laura"] != "supervisor" || roles["sinrol"] != "operador" {
		t.Fatalf("roles in the list: %v", roles)
	}
	laura, err := e.Store.Login(context.Background(), "laura", "clave-de-laura-1", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/admin/administradores/%d", laura.ID)

	lc := e.Client()
	lc.LoginAs("laura", "clave-de-laura-1")
	lc2 := e.Client()
	lc2.LoginAs("laura", "clave-de-laura-1")
	if _, doc := lc.Get("/admin/oficiales"); !has(doc, "create-panel") {
		t.Fatal("the supervisor cannot create officers")
	}
	resp, _ = root.Post(page, url.Values{"rol": {"operador"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	if resp, _ := lc.Post("/admin/oficiales", url.Values{"nombre": {"Otro"}, "numero": {"B7"}, "activo": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an officer created by a demoted account: %d", resp.StatusCode)
	}
	if _, doc := lc.Get("/admin/oficiales"); has(doc, "create-panel") || testenv.Testid(doc, "current-role").Text() != "(operador)" {
		t.Error("the demoted account still sees the supervisor's controls")
	}

	// Deactivated: every session of the account ends at once, and the right
	// password says why it cannot log in.
	resp, _ = root.Post(page, url.Values{"activo": {"0"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	for i, c := range []*testenv.Client{lc, lc2} {
		if resp, _ := c.Get("/admin"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
			t.Errorf("session %d of a deactivated account: %d %q", i, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	lc = e.Client()
	lc.LoginPage()
	resp, doc = lc.Post("/admin/login", url.Values{"usuario": {"laura"}, "clave": {"otra-clave-mala"}})
	testenv.WantStatus(t, resp, http.StatusUnauthorized)
	if !strings.Contains(testenv.Testid(doc, "login-error").Text(), "incorrectos") {
		t.Errorf("wrong password of a deactivated account: %q", testenv.Testid(doc, "login-error").Text())
	}
	resp, doc = lc.Post("/admin/login", url.Values{"usuario": {"laura"}, "clave": {"clave-de-laura-1"}})
	testenv.WantStatus(t, resp, http.StatusForbidden)
	if !strings.Contains(testenv.Testid(doc, "login-error").Text(), "desactivada") {
		t.Errorf("right password of a deactivated account: %q", testenv.Testid(doc, "login-error").Text())
	}
	_, doc = root.Get(page)
	if state := testenv.Testid(doc, "admin-state").Text(); !strings.Contains(state, "Desactivada") || !strings.Contains(state, "Operador") {
		t.Errorf("account page state %q", state)
	}

	resp, _ = root.Post(page, url.Values{"activo": {"1"}, "rol": {"supervisor"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	lc.LoginAs("laura", "clave-de-laura-1")

	// A reset sets a password without the old one and ends the sessions.
	resp, doc = root.Post(page+"/clave", url.Values{"clave": {"corta"}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if !strings.Contains(testenv.Testid(doc, "error-clave").Text(), "al menos") {
		t.Errorf("weak reset: %q", testenv.Testid(doc, "error-clave").Text())
	}
	resp, _ = root.Post(page+"/clave", url.Values{"clave": {"clave-nueva-de-laura"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	if resp, _ := lc.Get("/admin"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a session survived the reset: %d", resp.StatusCode)
	}
	lc = e.Client()
	lc.LoginPage()
	if resp, _ := lc.Post("/admin/login", url.Values{"usuario": {"laura"}, "clave": {"clave-de-laura-1"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password after a reset: %d", resp.StatusCode)
	}
	lc.LoginAs("laura", "clave-nueva-de-laura")
	if resp, _ := root.Post(fmt.Sprintf("/admin/administradores/%d/clave", e.Admin.ID), url.Values{"clave": {"sin-la-actual-1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("one's own password reset without the current one: %d", resp.StatusCode)
	}

	_, doc = root.Get("/admin/auditoria?entidad=admin&actor=admin")
	audited := testenv.Testid(doc, "row").Text()
	for _, want := range []string{"Alta", "Modificación", "Desactivación", "Restablecimiento de contraseña"} {
		if !strings.Contains(audited, want) {
			t.Errorf("audit log of the accounts lacks %q: %q", want, audited)
		}
	}
}

// TestTheLastAdministradorStays: one cannot demote or deactivate oneself
// out of being the last active administrador; with another one, one can.
func TestTheLastAdministradorStays(t *testing.T) {
	e := testenv.New(t, testenv.WithAdmin())
	root := e.Client()
	root.Login()
	self := fmt.Sprintf("/admin/administradores/%d", e.Admin.ID)
	for _, form := range []url.Values{{"rol": {"supervisor"}}, {"activo": {"0"}}, {"rol": {"operador"}, "activo": {"0"}}} {
		resp, doc := root.Post(self, form)
		testenv.WantStatus(t, resp, http.StatusConflict)
		if msg := testenv.Testid(doc, "form-error").Text(); !strings.Contains(msg, "único administrador activo") {
			t.Errorf("%v: %q", form, msg)
		}
	}
	resp, doc := root.Post(self, url.Values{"activo": {"0"}}, "HX-Request", "true")
	testenv.WantStatus(t, resp, http.StatusConflict)
	if !has(doc, "admin-change-form") || doc.Find(`#flashes[hx-swap-oob]`).Length() != 1 {
		t.Error("htmx: no form fragment with an out-of-band flash")
	}
	if a, err := e.Store.AdminByID(context.Background(), e.Admin.ID); err != nil || a.Role != rules.RoleAdministrador || !a.Active {
		t.Fatalf("the last administrador after refused changes: %+v %v", a, err)
	}
	if _, doc := root.Get(self + "/eliminar"); !has(doc, "delete-blocked") || has(doc, "delete-form") {
		t.Error("the last administrador is offered its own deletion")
	}

	testenv.MustAdmin(t, e.Store, "otra", rules.RoleAdministrador)
	resp, _ = root.Post(self, url.Values{"rol": {"supervisor"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/admin/cuenta" {
		t.Errorf("after demoting oneself: Location %q, want the account page", loc)
	}
	if _, doc := root.Get("/admin/cuenta"); has(doc, "nav-administradores") || testenv.Testid(doc, "current-role").Text() != "(supervisor)" {
		t.Error("a demoted administrador still sees the administrators' section")
	}
}

// TestUnlockAThrottledAccount: the account's page says it is throttled;
// unlocking lets it log in at once.
func TestUnlockAThrottledAccount(t *testing.T) {
	e := testenv.New(t, testenv.WithAdmin())
	ana := testenv.MustAdmin(t, e.Store, "ana", rules.RoleOperador)
	guesser := e.Client()
	guesser.LoginPage()
	for i := range 5 {
		resp, _ := guesser.Post("/admin/login", url.Values{"usuario": {"ana"}, "clave": {fmt.Sprint("adivina-", i)}})
		testenv.WantStatus(t, resp, http.StatusUnauthorized)
	}
	resp, _ := guesser.Post("/admin/login", url.Values{"usuario": {"ana"}, "clave": {testenv.Password}})
	testenv.WantStatus(t, resp, http.StatusTooManyRequests)

	root := e.Client()
	root.Login()
	page := fmt.Sprintf("/admin/administradores/%d", ana.ID)
	_, doc := root.Get(page)
	if !strings.Contains(testenv.Testid(doc, "admin-state").Text(), "Ingreso bloqueado") || !has(doc, "unlock") {
		t.Fatalf("throttled account's page: state %q, unlock button %v", testenv.Testid(doc, "admin-state").Text(), has(doc, "unlock"))
	}
	resp, _ = root.Post(page+"/desbloquear", nil)
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = root.Get(page)
	if strings.Contains(testenv.Testid(doc, "admin-state").Text(), "bloqueado") || has(doc, "unlock") {
		t.Error("still throttled after the unlock")
	}
	guesser.LoginAs("ana", testenv.Password)
	_, doc = root.Get("/admin/auditoria?accion=unlock")
	if n := testenv.Testid(doc, "row").Length(); n != 1 {
		t.Errorf("unlock audit entries: %d", n)
	}
}

// TestEveryRoleChangesItsOwnPassword on its account page, which asks for
// the current one.
func TestEveryRoleChangesItsOwnPassword(t *testing.T) {
	e := testenv.New(t, testenv.WithAdmin())
	testenv.MustAdmin(t, e.Store, "opera", rules.RoleOperador)
	c := e.Client()
	c.LoginAs("opera", testenv.Password)
	resp, doc := c.Post("/admin/cuenta", url.Values{"clave_actual": {"no-es-esta-123"}, "clave": {"clave-nueva-123"}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if !strings.Contains(testenv.Testid(doc, "error-clave_actual").Text(), "no es correcta") {
		t.Errorf("wrong current password: %q", testenv.Testid(doc, "error-clave_actual").Text())
	}
	resp, _ = c.Post("/admin/cuenta", url.Values{"clave_actual": {testenv.Password}, "clave": {"clave-nueva-123"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	if resp.Header.Get("Location") != "/admin/cuenta" {
		t.Errorf("Location %q", resp.Header.Get("Location"))
	}
	if _, doc := c.Get("/admin/cuenta"); testenv.Testid(doc, "current-user").Text() != "opera" {
		t.Error("the password change ended this browser's session too")
	}
	other := e.Client()
	other.LoginAs("opera", "clave-nueva-123")
}
