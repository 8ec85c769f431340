package rules

import "testing"

func TestRoleIncludes(t *testing.T) {
	tests := []struct {
		role, min Role
		want      bool
	}{
		{RoleOperador, RoleOperador, true},
		{RoleOperador, RoleSupervisor, false},
		{RoleOperador, RoleAdministrador, false},
		{RoleSupervisor, RoleOperador, true},
		{RoleSupervisor, RoleSupervisor, true},
		{RoleSupervisor, RoleAdministrador, false},
		{RoleAdministrador, RoleOperador, true},
		{RoleAdministrador, RoleSupervisor, true},
		{RoleAdministrador, RoleAdministrador, true},
		{"", RoleOperador, false},
		{"jefe", RoleOperador, false},
		{RoleAdministrador, "", false},
		{RoleAdministrador, "jefe", false},
	}
	for _, tt := range tests {
		if got := tt.role.Includes(tt.min); got != tt.want {
			t.Errorf("%q.Includes(%q) = %v, want %v", tt.role, tt.min, got, tt.want)
		}
	}
}

func TestParseRole(t *testing.T) {
	for in, want := range map[string]Role{
		"operador": RoleOperador, " Supervisor ": RoleSupervisor, "ADMINISTRADOR": RoleAdministrador,
		"": "", "admin": "", "operadora": "", "supervisor\x00": "",
	} {
		got, msg := ParseRole(in)
		if got != want || (want == "") != (msg != "") {
			t.Errorf("ParseRole(%q) = %q, %q; want %q", in, got, msg, want)
		}
	}
}

func TestAdminChangeClean(t *testing.T) {
	tests := []struct {
		name   string
		in     AdminChange
		role   Role
		active string
		errs   []string
	}{
		{"role only", AdminChange{Role: "Supervisor"}, RoleSupervisor, "", nil},
		{"active only", AdminChange{Active: "0"}, "", "0", nil},
		{"both", AdminChange{Role: "operador", Active: "on"}, RoleOperador, "1", nil},
		{"spanish yes", AdminChange{Active: "Sí"}, "", "1", nil},
		{"false", AdminChange{Active: "false"}, "", "0", nil},
		{"blank role is no change", AdminChange{Role: "  ", Active: "1"}, "", "1", nil},
		{"nothing", AdminChange{}, "", "", []string{FieldRole}},
		{"bad role", AdminChange{Role: "jefe"}, "", "", []string{FieldRole}},
		{"bad active", AdminChange{Active: "quizás"}, "", "", []string{FieldActive}},
		{"both bad", AdminChange{Role: "x", Active: "y"}, "", "", []string{FieldRole, FieldActive}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			fe := in.Clean()
			if len(fe) != len(tt.errs) {
				t.Fatalf("errors %v, want on %v", fe, tt.errs)
			}
			for _, f := range tt.errs {
				if fe[f] == "" {
					t.Errorf("no error on %s: %v", f, fe)
				}
			}
			if len(tt.errs) == 0 && (in.Role != tt.role || in.Active != tt.active) {
				t.Errorf("cleaned to %+v, want role %q active %q", in, tt.role, tt.active)
			}
		})
	}
}

func TestAdminInputRole(t *testing.T) {
	in := AdminInput{Username: "Ana", Password: "una-clave-larga", Role: " SUPERVISOR"}
	if fe := in.Clean(); len(fe) != 0 || in.Role != RoleSupervisor {
		t.Errorf("Clean: %v, role %q", fe, in.Role)
	}
	in = AdminInput{Username: "ana", Password: "una-clave-larga"}
	if fe := in.Clean(); len(fe) != 0 || in.Role != "" {
		t.Errorf("no role: %v, role %q (the store chooses)", fe, in.Role)
	}
	in = AdminInput{Username: "ana", Password: "una-clave-larga", Role: "root"}
	if fe := in.Clean(); fe[FieldRole] == "" {
		t.Errorf("role root: %v, want an error on rol", fe)
	}
}
