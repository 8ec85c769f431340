package admin

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
)

// Every route that changes something declares the least role that may use
// it, in Routes, by registering through allow:
//
//	supervisor := allow(r, rules.RoleSupervisor)
//	supervisor.Post(paths.InfractionVoid, h.infractionVoid)
//
// The route then runs requireRole(min) before its handler, and its name in
// the app's route table is "rol:supervisor": the table itself says who may
// do what, and the route-walk test fails on a state-changing route of the
// panel that was registered without a role. Pages that every active account
// may read are registered on the router as they are.

// rolePrefix starts the name of a route registered through allow.
const rolePrefix = "rol:"

// RouteRole is the least role a route of the panel needs, read from its name
// in the app's route table (fiber.Route.Name); ok is false when the route
// declares none.
func RouteRole(name string) (role rules.Role, ok bool) {
	r, found := strings.CutPrefix(name, rolePrefix)
	role = rules.Role(r)
	return role, found && role.Valid()
}

// allowed registers routes for the accounts of at least one role.
type allowed struct {
	r   fiber.Router
	min rules.Role
}

// allow is a router whose routes need role min or above.
func allow(r fiber.Router, min rules.Role) allowed { return allowed{r: r, min: min} }

// Get registers a page that only min and above may see.
func (a allowed) Get(path string, handler fiber.Handler) { a.add(fiber.MethodGet, path, handler) }

// Post registers an action that only min and above may take.
func (a allowed) Post(path string, handler fiber.Handler) { a.add(fiber.MethodPost, path, handler) }

// Delete registers a deletion that only min and above may make.
func (a allowed) Delete(path string, handler fiber.Handler) { a.add(fiber.MethodDelete, path, handler) }

func (a allowed) add(method, path string, handler fiber.Handler) {
	a.r.Add(method, path, requireRole(a.min), handler).Name(rolePrefix + string(a.min))
}

// requireRole lets through the accounts whose role includes min; the others
// get a 403 naming the role needed.
func requireRole(min rules.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		role := roleOf(c)
		if role.Includes(min) {
			return c.Next()
		}
		what := "Esta acción"
		if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
			what = "Esta página"
		}
		return web.NewProblem(fiber.StatusForbidden,
			what+" requiere el rol "+string(min)+". Su cuenta tiene el rol "+string(role)+".")
	}
}

const localsAdmin = "admin_account"

// currentAdmin is the logged-in account as requireAdmin read it for this
// request (nil before it ran).
func currentAdmin(c *fiber.Ctx) *models.Admin {
	a, _ := c.Locals(localsAdmin).(*models.Admin)
	return a
}

// roleOf is the logged-in account's role, "" when there is none.
func roleOf(c *fiber.Ctx) rules.Role {
	if a := currentAdmin(c); a != nil {
		return a.Role
	}
	return ""
}
