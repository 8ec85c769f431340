package rules

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// MinPasswordLen is the shortest admin password accepted.
const MinPasswordLen = 10

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

// AdminInput is an administrator as the panel and the CLI submit it.
type AdminInput struct {
	Username string `json:"usuario"`
	Password string `json:"clave"`
	// Role is the account's role; "" is the default (RoleOperador, or
	// RoleAdministrador for the first account).
	Role Role `json:"rol"`
}

// Clean normalises the input and validates it.
func (in *AdminInput) Clean() FieldErrors {
	fe := FieldErrors{}
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	if !usernameRE.MatchString(in.Username) {
		fe.Add(FieldUsername, "debe tener de 2 a 40 letras minúsculas, dígitos o los signos . _ -")
	}
	if msg := CheckPassword(in.Password); msg != "" {
		fe.Add(FieldPassword, msg)
	}
	if in.Role != "" {
		var msg string
		if in.Role, msg = ParseRole(string(in.Role)); msg != "" {
			fe.Add(FieldRole, msg)
		}
	}
	return fe
}

// CheckPassword returns a Spanish message when a new password is too weak.
func CheckPassword(p string) string {
	if utf8.RuneCountInString(p) < MinPasswordLen {
		return fmt.Sprintf("debe tener al menos %d caracteres", MinPasswordLen)
	}
	if len(p) > 72 {
		return "no puede superar los 72 bytes"
	}
	return ""
}
