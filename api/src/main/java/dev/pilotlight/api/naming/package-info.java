/** Naming rules: revision names, host names, DNS labels. */
package dev.pilotlight.api.naming;
