// Stand-in for Traefik's nested module pkg/config/dynamic/ext, which is not in the traefik/v3 module zip.
// Upstream embeds these two (empty in the open-source build) structs inline in its HTTP configuration.
module github.com/traefik/traefik/dynamic/ext

go 1.26.0
