package paths

import "testing"

func TestOf(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		ids     []int64
		want    string
	}{
		{Person, []int64{7}, "/admin/personas/7"},
		{PersonDelete, []int64{42}, "/admin/personas/42/eliminar"},
		{OfficerTokenRevoke, []int64{3}, "/admin/oficiales/3/token/revocar"},
		{Persons, nil, "/admin/personas"},
		{"/admin/infracciones/:id/fotos/:foto", []int64{5, 9}, "/admin/infracciones/5/fotos/9"},
		{"/comprobantes/acta/:id.pdf", []int64{12}, "/comprobantes/acta/12.pdf"},
		{Person, nil, "/admin/personas/:id"},
	} {
		if got := Of(tc.pattern, tc.ids...); got != tc.want {
			t.Errorf("Of(%q, %v) = %q, want %q", tc.pattern, tc.ids, got, tc.want)
		}
	}
}

func TestEntity(t *testing.T) {
	for _, tc := range []struct {
		entity string
		id     int64
		want   string
	}{
		{"person", 7, "/admin/personas/7"},
		{"vehicle", 2, "/admin/vehiculos/2"},
		{"officer", 3, "/admin/oficiales/3"},
		{"infraction", 4, "/admin/infracciones/4"},
		{"admin", 1, "/admin/administradores/1"},
		{"registry", 1, ""},
		{"person", 0, ""},
	} {
		if got := Entity(tc.entity, tc.id); got != tc.want {
			t.Errorf("Entity(%q, %d) = %q, want %q", tc.entity, tc.id, got, tc.want)
		}
	}
}
