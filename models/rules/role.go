package rules

import "strings"

// Role is what an account of the panel may do. Each role may do everything
// the ones below it may: RoleOperador < RoleSupervisor < RoleAdministrador.
type Role string

// The roles of DESIGN.md's table.
const (
	// RoleOperador keeps the registry: persons, vehicles, the import;
	// registers and classifies infractions and records payments.
	RoleOperador Role = "operador"
	// RoleSupervisor also annuls infractions, resolves descargos and manages
	// officers and their tokens.
	RoleSupervisor Role = "supervisor"
	// RoleAdministrador also manages the catalogue, the unit values, the
	// fines settings and the accounts of the panel.
	RoleAdministrador Role = "administrador"
)

// Roles lists the roles from the least to the most allowed.
var Roles = []Role{RoleOperador, RoleSupervisor, RoleAdministrador}

// rank is the role's place in Roles, -1 for anything else.
func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return -1
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return r.rank() >= 0 }

// Includes reports whether an account with role r may do what needs min. An
// invalid role includes nothing, and nothing includes an invalid min.
func (r Role) Includes(min Role) bool {
	return r.Valid() && min.Valid() && r.rank() >= min.rank()
}

// Label is the role's name as the pages show it ("Supervisor").
func (r Role) Label() string {
	if !r.Valid() {
		return string(r)
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// ParseRole reads a role as a form, the CLI or the API gives it (any case,
// surrounding spaces ignored); the message is Spanish when it is none.
func ParseRole(s string) (Role, string) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", "debe ser administrador, supervisor u operador"
	}
	return r, ""
}

// AdminChange is what an administrador changes in another account: its role
// and whether it is active. An empty member leaves that as it is.
type AdminChange struct {
	Role   Role   `json:"rol"`
	Active string `json:"activo"`
}

// Clean normalises the change and validates it: Role becomes one of Roles
// or "", Active "1", "0" or "". At least one of them must be given.
func (in *AdminChange) Clean() FieldErrors {
	fe := FieldErrors{}
	if strings.TrimSpace(string(in.Role)) == "" {
		in.Role = ""
	} else {
		var msg string
		if in.Role, msg = ParseRole(string(in.Role)); msg != "" {
			fe.Add(FieldRole, msg)
		}
	}
	switch strings.ToLower(strings.TrimSpace(in.Active)) {
	case "":
		in.Active = ""
	case "1", "true", "on", "si", "sí", "yes":
		in.Active = "1"
	case "0", "false", "off", "no":
		in.Active = "0"
	default:
		fe.Add(FieldActive, "debe ser 1 (activa) o 0 (desactivada)")
	}
	if in.Role == "" && in.Active == "" && len(fe) == 0 {
		fe.Add(FieldRole, "indique el rol nuevo o si la cuenta queda activa")
	}
	return fe
}
