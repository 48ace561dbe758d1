//go:build tools

// The command built from this module; the import keeps go.mod/go.sum complete for it.
package tools

import _ "github.com/traefik/traefik/v3/cmd/traefik"
