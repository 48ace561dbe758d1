//go:build tools

// The command built from this module; the import keeps go.mod/go.sum complete for it.
package tools

import _ "helm.sh/helm/v4/cmd/helm"
