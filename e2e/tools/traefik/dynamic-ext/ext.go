// Package ext holds the extension points Traefik embeds in its dynamic HTTP configuration.
package ext

// HTTP is embedded inline in dynamic.HTTPConfiguration.
type HTTP struct{}

// Router is embedded inline in dynamic.Router.
type Router struct{}
